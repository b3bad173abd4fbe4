# Unit tests for the reference policy: one or more per rule, run by `mcp-authz test policies/`.
package mcp.authz_test

import rego.v1

import data.mcp.authz

weekday_noon := "2026-11-25T12:00:00Z"

weekday_night := "2026-11-25T22:30:00Z"

saturday_noon := "2026-11-28T12:00:00Z"

req(server, method, tool, args, scopes, claims, at) := {
	"subject": {"sub": "u1", "client_id": "c1", "issuer": "https://idp.test", "scopes": scopes, "claims": claims},
	"server": {"id": server, "resource": "https://mcp.test/mcp"},
	"action": {"method": method, "tool": tool, "arguments": args},
	"context": {"time": at, "client_ip": "203.0.113.7"},
}

call(server, tool, args, scopes, claims) := req(server, "tools/call", tool, args, scopes, claims, weekday_noon)

acme := {"org": "acme"}

test_read_tool_allowed_with_read_scope if {
	d := authz.decision with input as call("github", "search_repos", {}, ["mcp:read"], acme)
	d.allow == true
	d.reasons == ["allowed"]
	d.ttl_seconds == 300
}

test_read_tool_allowed_with_viewer_role if {
	authz.allow with input as call("github", "search_repos", {}, [], {"org": "acme", "roles": ["viewer"]})
}

test_read_tool_denied_without_scope_or_role_asks_for_read_scope if {
	d := authz.decision with input as call("github", "search_repos", {}, [], acme)
	d.allow == false
	d.required_scopes == {"mcp:read"}
	d.reasons == [`tool "search_repos" needs scope mcp:read or role viewer`]
}

test_write_tool_needs_write_scope if {
	d := authz.decision with input as call("github", "create_issue", {"repo": "acme/api"}, ["mcp:read"], acme)
	d.allow == false
	d.required_scopes == {"mcp:write"}
}

test_write_tool_allowed_with_write_scope if {
	authz.allow with input as call("github", "create_issue", {"repo": "acme/api"}, ["mcp:write"], acme)
}

test_admin_tool_needs_admin_role if {
	d := authz.decision with input as call("github", "delete_repo", {"repo": "acme/api"}, ["mcp:admin"], acme)
	d.allow == false
	count(d.required_scopes) == 0
}

test_admin_with_role_but_no_scope_gets_required_scopes if {
	d := authz.decision with input as call("github", "delete_repo", {"repo": "acme/api"}, ["mcp:write"], {"org": "acme", "roles": ["admin"]})
	d.allow == false
	d.required_scopes == {"mcp:admin"}
}

test_admin_with_role_and_scope_allowed if {
	authz.allow with input as call("github", "delete_repo", {"repo": "acme/api"}, ["mcp:admin"], {"org": "acme", "roles": ["admin"]})
}

test_repository_outside_org_denied if {
	d := authz.decision with input as call("github", "create_issue", {"repo": "evil/api"}, ["mcp:write"], acme)
	d.allow == false
	d.reasons == [`repository "evil/api" is outside organization "acme"`]
}

test_repository_prefix_trick_denied if {
	not authz.allow with input as call("github", "create_issue", {"repo": "acme-evil/api"}, ["mcp:write"], acme)
}

test_repository_without_org_claim_denied if {
	not authz.allow with input as call("github", "get_issue", {"repo": "acme/api"}, ["mcp:read"], {})
}

test_missing_required_argument_denied if {
	d := authz.decision with input as call("github", "create_issue", {}, ["mcp:write"], acme)
	d.reasons == [`argument "repo" is required`]
}

test_path_under_allowed_prefix_allowed if {
	authz.allow with input as call("files", "read_file", {"path": "/workspace/src/main.ts"}, ["mcp:read"], acme)
}

test_path_outside_prefixes_denied if {
	d := authz.decision with input as call("files", "read_file", {"path": "/etc/passwd"}, ["mcp:read"], acme)
	d.reasons == [`path "/etc/passwd" is outside the allowed locations`]
}

test_path_with_dot_dot_denied if {
	d := authz.decision with input as call("files", "read_file", {"path": "/workspace/../etc/passwd"}, ["mcp:read"], acme)
	d.allow == false
	`path "/workspace/../etc/passwd" must not contain '..'` in d.reasons
}

test_non_string_path_denied if {
	not authz.allow with input as call("files", "read_file", {"path": 42}, ["mcp:read"], acme)
}

test_valid_branch_allowed if {
	authz.allow with input as call("github", "create_branch", {"repo": "acme/api", "branch": "feature/x-1"}, ["mcp:write"], acme)
}

test_invalid_branch_denied if {
	d := authz.decision with input as call("github", "create_branch", {"repo": "acme/api", "branch": "bad branch;rm"}, ["mcp:write"], acme)
	d.reasons == [`branch "bad branch;rm" is not a valid branch name`]
}

test_deny_listed_tool_denied_even_with_scope if {
	d := authz.decision with input as call("files", "shell_exec", {}, ["mcp:write"], acme)
	d.allow == false
	d.reasons == [`tool "shell_exec" is on the global deny list`]
}

test_unknown_tool_denied if {
	d := authz.decision with input as call("github", "format_disk", {}, ["mcp:admin", "mcp:write", "mcp:read"], acme)
	d.reasons == [`tool "format_disk" is not offered by server "github"`]
}

test_tool_of_other_server_denied if {
	not authz.allow with input as call("files", "create_issue", {"repo": "acme/api"}, ["mcp:write"], acme)
}

test_unknown_server_denied if {
	not authz.allow with input as call("gitlab", "search_repos", {}, ["mcp:read"], acme)
}

test_business_hours_tool_allowed_on_weekday_with_short_ttl if {
	d := authz.decision with input as call("github", "merge_pull_request", {"repo": "acme/api"}, ["mcp:write"], acme)
	d.allow == true
	d.ttl_seconds == 60
}

test_business_hours_tool_denied_at_night if {
	i := req("github", "tools/call", "merge_pull_request", {"repo": "acme/api"}, ["mcp:write"], acme, weekday_night)
	d := authz.decision with input as i
	d.allow == false
	d.ttl_seconds == 60
}

test_business_hours_tool_denied_on_weekend if {
	i := req("files", "tools/call", "delete_file", {"path": "/workspace/a"}, ["mcp:write"], acme, saturday_noon)
	not authz.allow with input as i
}

test_tools_list_shows_permitted_tool_without_arguments if {
	authz.allow with input as req("github", "tools/list", "create_issue", {}, ["mcp:write"], acme, weekday_noon)
}

test_tools_list_hides_tool_without_permission if {
	not authz.allow with input as req("github", "tools/list", "delete_repo", {}, ["mcp:read"], acme, weekday_noon)
}

test_tools_list_hides_deny_listed_tool if {
	not authz.allow with input as req("files", "tools/list", "shell_exec", {}, ["mcp:write"], acme, weekday_noon)
}

test_reading_resources_needs_read_permission if {
	authz.allow with input as req("github", "resources/read", "", {}, ["mcp:read"], acme, weekday_noon)
	not authz.allow with input as req("github", "resources/read", "", {}, [], acme, weekday_noon)
}

test_unknown_method_denied if {
	d := authz.decision with input as req("github", "sampling/createMessage", "", {}, ["mcp:read"], acme, weekday_noon)
	d.reasons == [`method "sampling/createMessage" is not permitted`]
}

test_no_input_denies if {
	not authz.allow
}

# Every path-like value: both ends of a move, prompt arguments and file: resource URIs.

prompt_get(name, args, scopes) := {
	"subject": {"sub": "u1", "client_id": "c1", "issuer": "https://idp.test", "scopes": scopes, "claims": acme},
	"server": {"id": "files", "resource": "https://mcp.test/mcp"},
	"action": {"method": "prompts/get", "prompt": name, "arguments": args},
	"context": {"time": weekday_noon, "client_ip": "203.0.113.7"},
}

resource_read(uri) := {
	"subject": {"sub": "u1", "client_id": "c1", "issuer": "https://idp.test", "scopes": ["mcp:read"], "claims": acme},
	"server": {"id": "files", "resource": "https://mcp.test/mcp"},
	"action": {"method": "resources/read", "resource": uri},
	"context": {"time": weekday_noon, "client_ip": "203.0.113.7"},
}

test_move_within_allowed_locations_allowed if {
	authz.allow with input as call("files", "move_file", {"source": "/workspace/a.txt", "destination": "/srv/shared/a.txt"}, ["mcp:write"], acme)
}

test_move_source_outside_prefixes_denied if {
	d := authz.decision with input as call("files", "move_file", {"source": "/etc/shadow", "destination": "/workspace/loot"}, ["mcp:write"], acme)
	d.allow == false
	d.reasons == [`path "/etc/shadow" is outside the allowed locations`]
}

test_move_source_with_dot_dot_denied if {
	d := authz.decision with input as call("files", "move_file", {"source": "/workspace/../etc/shadow", "destination": "/workspace/loot"}, ["mcp:write"], acme)
	d.allow == false
	`path "/workspace/../etc/shadow" must not contain '..'` in d.reasons
}

test_move_destination_outside_prefixes_denied if {
	d := authz.decision with input as call("files", "move_file", {"source": "/workspace/a", "destination": "/etc/cron.d/x"}, ["mcp:write"], acme)
	d.reasons == [`path "/etc/cron.d/x" is outside the allowed locations`]
}

test_move_without_source_denied if {
	d := authz.decision with input as call("files", "move_file", {"destination": "/workspace/a"}, ["mcp:write"], acme)
	d.reasons == [`argument "source" is required`]
}

test_declared_prompt_path_allowed if {
	authz.allow with input as prompt_get("summarize_file", {"path": "/workspace/README.md"}, ["mcp:read"])
}

test_declared_prompt_path_outside_prefixes_denied if {
	d := authz.decision with input as prompt_get("summarize_file", {"path": "/etc/passwd"}, ["mcp:read"])
	d.allow == false
	d.reasons == [`path "/etc/passwd" is outside the allowed locations`]
}

test_second_declared_prompt_path_checked if {
	d := authz.decision with input as prompt_get("compare_files", {"left": "/workspace/a", "right": "/root/.ssh/id_rsa"}, ["mcp:read"])
	d.reasons == [`path "/root/.ssh/id_rsa" is outside the allowed locations`]
}

test_declared_prompt_path_with_dot_dot_denied if {
	d := authz.decision with input as prompt_get("summarize_file", {"path": "/workspace/../../etc/passwd"}, ["mcp:read"])
	`path "/workspace/../../etc/passwd" must not contain '..'` in d.reasons
}

test_undeclared_prompt_argument_shaped_like_a_path_checked if {
	d := authz.decision with input as prompt_get("explain", {"topic": "/etc/passwd"}, ["mcp:read"])
	d.reasons == [`path "/etc/passwd" is outside the allowed locations`]
}

test_prompt_argument_climbing_denied if {
	not authz.allow with input as prompt_get("explain", {"topic": "../secrets"}, ["mcp:read"])
}

test_prompt_argument_file_uri_checked_as_path if {
	d := authz.decision with input as prompt_get("explain", {"topic": "file:///etc/passwd"}, ["mcp:read"])
	d.reasons == [`path "/etc/passwd" is outside the allowed locations`]
}

test_plain_prompt_arguments_allowed if {
	authz.allow with input as prompt_get("explain", {"topic": "rego comprehensions", "level": "beginner"}, ["mcp:read"])
}

test_file_resource_under_allowed_prefix_allowed if {
	authz.allow with input as resource_read("file:///workspace/notes.md")
}

test_file_resource_on_localhost_allowed if {
	authz.allow with input as resource_read("file://localhost/srv/shared/a.txt")
}

test_file_resource_outside_prefixes_denied if {
	d := authz.decision with input as resource_read("file:///etc/passwd")
	d.allow == false
	d.reasons == [`path "/etc/passwd" is outside the allowed locations`]
}

test_file_resource_with_dot_dot_denied if {
	not authz.allow with input as resource_read("file:///workspace/../etc/passwd")
}

test_file_resource_with_encoded_dot_dot_denied if {
	d := authz.decision with input as resource_read("file:///workspace/%2e%2e/etc/passwd")
	d.allow == false
	`path "/workspace/../etc/passwd" must not contain '..'` in d.reasons
}

test_file_resource_on_other_host_denied if {
	not authz.allow with input as resource_read("file://evil.example/workspace/a")
}

test_file_resource_scheme_case_does_not_bypass if {
	not authz.allow with input as resource_read("FILE:///etc/passwd")
}

test_file_resource_single_slash_form_checked if {
	not authz.allow with input as resource_read("file:/etc/passwd")
}

test_undecodable_file_resource_denied if {
	d := authz.decision with input as resource_read("file:///workspace/%zz")
	d.allow == false
	`resource "file:///workspace/%zz" is not a valid file URI` in d.reasons
}

test_non_file_resource_not_path_checked if {
	authz.allow with input as resource_read("https://docs.example/guide")
}
