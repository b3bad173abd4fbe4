{{/* Names and labels shared by the templates of the mcp-authz chart. */}}
{{- define "mcp-authz.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mcp-authz.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mcp-authz.labels" -}}
{{ include "mcp-authz.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Redis chart's full name, computed as that chart computes it. */}}
{{- define "mcp-authz.redisFullname" -}}
{{- if .Values.redis.fullnameOverride -}}
{{- .Values.redis.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains "redis" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-redis" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mcp-authz.secretName" -}}
{{- default (include "mcp-authz.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "mcp-authz.policyDir" -}}
{{- if eq .Values.policies.source "gitSync" -}}
{{- printf "/git/current/%s" .Values.policies.gitSync.path | trimSuffix "/" -}}
{{- else -}}
/app/policies
{{- end -}}
{{- end -}}
