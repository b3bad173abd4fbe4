# Reference MCP authorization policy: tool permissions by scope and role, argument
# constraints, a global deny list and a business-hours window. Default deny.
package mcp.authz

import rego.v1

default allow := false

default ttl_seconds := 300

# The answer the service reads (the default entrypoint).
decision := {
	"allow": allow,
	"reasons": reasons,
	"required_scopes": required_scopes,
	"ttl_seconds": ttl_seconds,
}

tool_methods := {"tools/call", "tools/list"}

reader_methods := {"prompts/get", "prompts/list", "resources/read", "resources/list"}

tool := data.mcp.servers[input.server.id].tools[input.action.tool]

scopes := {s | some s in input.subject.scopes}

roles := {r | some r in object.get(input.subject.claims, "roles", [])}

calling if input.action.method == "tools/call"

# Which claims each kind of tool needs.
permitted_kind("read") if "mcp:read" in scopes

permitted_kind("read") if "viewer" in roles

permitted_kind("write") if "mcp:write" in scopes

permitted_kind("admin") if {
	"admin" in roles
	"mcp:admin" in scopes
}

requirement := {
	"read": "scope mcp:read or role viewer",
	"write": "scope mcp:write",
	"admin": "role admin and scope mcp:admin",
}

allow if {
	input.action.method in tool_methods
	permitted_kind(tool.kind)
	count(deny) == 0
}

allow if {
	input.action.method in reader_methods
	permitted_kind("read")
	count(deny) == 0
}

reasons := ["allowed"] if allow

reasons := sort([r | some r in deny]) if not allow

# Scopes that would turn a deny into an allow (the MCP step-up challenge).
required_scopes contains "mcp:read" if {
	input.action.method in tool_methods
	tool.kind == "read"
	not permitted_kind("read")
}

required_scopes contains "mcp:write" if {
	input.action.method in tool_methods
	tool.kind == "write"
	not permitted_kind("write")
}

required_scopes contains "mcp:admin" if {
	input.action.method in tool_methods
	tool.kind == "admin"
	"admin" in roles
	not "mcp:admin" in scopes
}

deny contains sprintf("method %q is not permitted", [input.action.method]) if {
	not input.action.method in tool_methods
	not input.action.method in reader_methods
}

deny contains sprintf("tool %q is on the global deny list", [input.action.tool]) if {
	input.action.tool in data.mcp.deny_tools
}

deny contains sprintf("tool %q is not offered by server %q", [input.action.tool, input.server.id]) if {
	input.action.method in tool_methods
	not tool
}

deny contains sprintf("tool %q needs %s", [input.action.tool, requirement[tool.kind]]) if {
	input.action.method in tool_methods
	tool
	not permitted_kind(tool.kind)
}

deny contains "reading prompts and resources needs scope mcp:read or role viewer" if {
	input.action.method in reader_methods
	not permitted_kind("read")
}

# A repository argument must belong to the caller's organization.
deny contains sprintf("repository %q is outside organization %q", [repo, org]) if {
	calling
	repo := input.action.arguments[tool.repo_arg]
	org := object.get(input.subject.claims, "org", "")
	not startswith(repo, concat("", [org, "/"]))
}

deny contains sprintf("argument %q is required", [name]) if {
	calling
	some name in required_arguments
	not has_argument(name)
}

required_arguments contains tool[field] if some field in ["repo_arg", "branch_arg"]

required_arguments contains name if some name in tool.path_args

has_argument(name) if input.action.arguments[name] != null

# Every path-like value in the request obeys the same rules: tool arguments the server declares
# as paths (all of them: move_file's source as well as its destination), prompt arguments
# (declared, or shaped like a path), and file: resource URIs.
checked_paths contains path if {
	calling
	some name in tool.path_args
	path := input.action.arguments[name]
}

prompt := data.mcp.servers[input.server.id].prompts[input.action.prompt]

checked_paths contains path if {
	input.action.method == "prompts/get"
	some name in prompt.path_args
	path := as_path(input.action.arguments[name])
}

checked_paths contains path if {
	input.action.method == "prompts/get"
	some value in input.action.arguments
	path_like(value)
	path := as_path(value)
}

checked_paths contains as_path(input.action.resource) if {
	input.action.method == "resources/read"
	file_uri(input.action.resource)
}

path_like(value) if startswith(value, "/")

path_like(value) if startswith(value, "~")

path_like(value) if contains(value, "..")

path_like(value) if file_uri(value)

file_uri(value) if startswith(lower(value), "file:")

# A file: URI becomes its decoded path ("file:///a", "file://localhost/a", "file:/a"); anything
# with another host keeps a non-absolute form, which no allowed location matches.
as_path(value) := value if not file_uri(value)

as_path(value) := urlquery.decode(trim_prefix(substring(value, 7, -1), "localhost")) if {
	startswith(lower(value), "file://")
}

as_path(value) := urlquery.decode(substring(value, 5, -1)) if {
	file_uri(value)
	not startswith(lower(value), "file://")
}

# A file: URI that does not decode cannot be judged, so it is refused.
deny contains sprintf("resource %q is not a valid file URI", [value]) if {
	some value in file_values
	not as_path(value)
}

file_values contains input.action.resource if {
	input.action.method == "resources/read"
	file_uri(input.action.resource)
}

file_values contains value if {
	input.action.method == "prompts/get"
	some value in input.action.arguments
	file_uri(value)
}

# File paths stay under an allowed prefix and never climb out of it, whether the raw or the
# decoded spelling climbs.
deny contains sprintf("path %q must not contain '..'", [path]) if {
	some path in checked_paths
	contains(path, "..")
}

deny contains sprintf("path %q must not contain '..'", [value]) if {
	some value in file_values
	contains(value, "..")
}

deny contains sprintf("path %q is outside the allowed locations", [path]) if {
	some path in checked_paths
	not path_allowed(path)
}

path_allowed(path) if {
	some pattern in data.mcp.allowed_paths
	glob.match(pattern, ["/"], path)
}

deny contains sprintf("branch %q is not a valid branch name", [branch]) if {
	calling
	branch := input.action.arguments[tool.branch_arg]
	not regex.match(`^[A-Za-z0-9._/-]{1,100}$`, branch)
}

# Risky tools only run on weekdays 08:00-18:00 UTC; their answers are cached briefly so the
# window closes on time.
deny contains sprintf("tool %q is only available on weekdays 08:00-18:00 UTC", [input.action.tool]) if {
	calling
	tool.business_hours
	not within_business_hours
}

ttl_seconds := 60 if tool.business_hours

within_business_hours if {
	ns := time.parse_rfc3339_ns(input.context.time)
	[hour, _, _] := time.clock(ns)
	hour >= 8
	hour < 18
	not time.weekday(ns) in {"Saturday", "Sunday"}
}
