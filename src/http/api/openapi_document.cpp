// The OpenAPI 3 document of the REST API, written by hand. The API tests compare it with the routes the
// router serves (paths, methods and each operation's `x-pleb-access`), so the two cannot drift apart.
#include "http/api/openapi.hpp"

namespace pleb::api {

std::string_view openapi_document() {
  return R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "Pleb.One API",
    "version": "1.0.0",
    "description": "REST API of a Pleb.One community relay. Requests are authenticated with NIP-98 (`Authorization: Nostr <base64 of a signed kind-27235 event>`) or with a session token obtained from POST /api/v1/auth/session (`Authorization: Bearer <token>`). Errors are RFC 9457 problem+json documents. Each operation's `x-pleb-access` says who may call it: public, authenticated (any valid signature), member, moderator or admin."
  },
  "servers": [{ "url": "/" }],
  "security": [{ "nostr": [] }, { "session": [] }],
  "paths": {
    "/api/v1/openapi.json": {
      "get": {
        "summary": "This document",
        "operationId": "getOpenApi",
        "x-pleb-access": "public",
        "security": [],
        "responses": {
          "200": { "description": "The OpenAPI document", "headers": { "ETag": { "$ref": "#/components/headers/ETag" } }, "content": { "application/json": { "schema": { "type": "object" } } } },
          "304": { "$ref": "#/components/responses/NotModified" }
        }
      }
    },
    "/api/v1/auth/session": {
      "post": {
        "summary": "Open a session",
        "description": "Exchanges one NIP-98 signed request (method POST, this URL, no body) for a short-lived session token. A session token cannot be used to obtain another.",
        "operationId": "openSession",
        "x-pleb-access": "authenticated",
        "security": [{ "nostr": [] }],
        "responses": {
          "201": { "description": "A session token", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Session" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "429": { "$ref": "#/components/responses/TooManyRequests" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/users/{pubkey}": {
      "get": {
        "summary": "A user's profile",
        "operationId": "getUser",
        "x-pleb-access": "public",
        "security": [],
        "parameters": [{ "$ref": "#/components/parameters/Pubkey" }],
        "responses": {
          "200": { "description": "The profile", "headers": { "ETag": { "$ref": "#/components/headers/ETag" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } },
          "304": { "$ref": "#/components/responses/NotModified" },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/users/me": {
      "patch": {
        "summary": "Update the caller's profile",
        "description": "Absent fields stay as they are; an empty string or null clears a field. Unknown fields are refused (422). The caller's account is created on first use.",
        "operationId": "updateMe",
        "x-pleb-access": "authenticated",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileUpdate" } } } },
        "responses": {
          "200": { "description": "The updated profile", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
          "422": { "$ref": "#/components/responses/Unprocessable" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/nip05": {
      "post": {
        "summary": "Claim a NIP-05 name for the caller",
        "operationId": "claimNip05",
        "x-pleb-access": "member",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Nip05Claim" } } } },
        "responses": {
          "201": { "description": "The name now points at the caller (also when it already did); a name held before is released", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Nip05Name" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "409": { "description": "The name is taken or reserved (title `Name Taken` or `Name Reserved`), or another change of the caller's name happened at the same time", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
          "422": { "$ref": "#/components/responses/Unprocessable" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      },
      "delete": {
        "summary": "Release the caller's NIP-05 name",
        "operationId": "releaseNip05",
        "x-pleb-access": "member",
        "responses": {
          "204": { "description": "Released" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "description": "The caller holds no name", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/nip05/{name}": {
      "get": {
        "summary": "Whether a NIP-05 name is available, and who holds it",
        "description": "The name is compared in lowercase. A name that is taken or reserved is still answered with 200; only a name that can never be claimed is refused (422).",
        "operationId": "getNip05",
        "x-pleb-access": "public",
        "security": [],
        "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string" } }],
        "responses": {
          "200": { "description": "The name's availability", "headers": { "ETag": { "$ref": "#/components/headers/ETag" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Nip05Availability" } } } },
          "304": { "$ref": "#/components/responses/NotModified" },
          "422": { "description": "Not a valid NIP-05 name", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/members": {
      "get": {
        "summary": "Community members",
        "operationId": "listMembers",
        "x-pleb-access": "public",
        "security": [],
        "parameters": [
          { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } },
          { "name": "cursor", "in": "query", "description": "The next_cursor of the previous page; absent for the first page", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": { "description": "One page of members, oldest first", "headers": { "ETag": { "$ref": "#/components/headers/ETag" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MemberPage" } } } },
          "304": { "$ref": "#/components/responses/NotModified" },
          "400": { "description": "A limit out of range, or a cursor this service did not give out", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      },
      "post": {
        "summary": "Join the community",
        "operationId": "join",
        "x-pleb-access": "authenticated",
        "responses": {
          "200": { "description": "The caller was already a member", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Member" } } } },
          "201": { "description": "The caller is now a member", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Member" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/members/me": {
      "delete": {
        "summary": "Leave the community",
        "description": "The caller's account, profile and NIP-05 name stay; only the membership ends.",
        "operationId": "leave",
        "x-pleb-access": "member",
        "responses": {
          "204": { "description": "The caller is no longer a member" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "409": { "description": "The caller is an admin by configuration (pleb.toml), which the API cannot change", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/members/{pubkey}/role": {
      "post": {
        "summary": "Set a member's role (promote or demote)",
        "operationId": "setRole",
        "x-pleb-access": "admin",
        "parameters": [{ "$ref": "#/components/parameters/Pubkey" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RoleChange" } } } },
        "responses": {
          "200": { "description": "The member with the new role", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Member" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "description": "The pubkey is not a member", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "409": { "description": "The pubkey is an admin by configuration (pleb.toml), which the API cannot change", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
          "422": { "$ref": "#/components/responses/Unprocessable" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/moderation/held": {
      "get": {
        "summary": "Events held for moderation, oldest first",
        "description": "Writes the web of trust held ([policy.trust] action = \"hold\"): stored apart, served to nobody until approved. Only `pleb serve` keeps them.",
        "operationId": "listHeld",
        "x-pleb-access": "moderator",
        "parameters": [
          { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } },
          { "name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": { "description": "One page of held events", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HeldPage" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/moderation/held/{id}/approve": {
      "post": {
        "summary": "Approve a held event",
        "description": "The event is stored and sent to live subscribers like any accepted EVENT. 503 when it could not be written; it then waits again.",
        "operationId": "approveHeld",
        "x-pleb-access": "moderator",
        "parameters": [{ "$ref": "#/components/parameters/EventId" }],
        "responses": {
          "200": { "description": "The decision", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HeldDecision" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "description": "No held event has this id", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "409": { "description": "The event was already approved or rejected", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "422": { "description": "The relay refused the approved event for good (deleted or expired while it waited); it stays decided and is never served", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/moderation/bans": {
      "get": {
        "summary": "Bans made by moderators, oldest first",
        "description": "Authors (optionally shadow-banned: OK true, nothing stored), event ids and source addresses the write policy refuses, besides the [policy] lists of pleb.toml.",
        "operationId": "listBans",
        "x-pleb-access": "moderator",
        "parameters": [
          { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } },
          { "name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": { "type": "string" } },
          { "name": "type", "in": "query", "description": "only bans of this type", "schema": { "$ref": "#/components/schemas/BanType" } }
        ],
        "responses": {
          "200": { "description": "One page of bans", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/BanPage" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      },
      "post": {
        "summary": "Ban an author, an event or an address",
        "description": "In force for the next event on every connection, without a reload (pleb serve at once; scaled out, every pleb processor through moderation.action, and from the database within its refresh period). The caller is recorded as banned_by.",
        "operationId": "ban",
        "x-pleb-access": "moderator",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/BanRequest" } } } },
        "responses": {
          "201": { "description": "The ban", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Ban" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "409": { "description": "This type and value is banned already", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
          "422": { "$ref": "#/components/responses/Unprocessable" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/moderation/bans/{type}/{value}": {
      "delete": {
        "summary": "Lift a ban",
        "operationId": "unban",
        "x-pleb-access": "moderator",
        "parameters": [
          { "name": "type", "in": "path", "required": true, "schema": { "$ref": "#/components/schemas/BanType" } },
          { "name": "value", "in": "path", "required": true, "description": "As in BanRequest: hex, npub or note, or an address", "schema": { "type": "string" } }
        ],
        "responses": {
          "204": { "description": "The ban is lifted" },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "description": "There is no such ban", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/api/v1/moderation/held/{id}/reject": {
      "post": {
        "summary": "Reject a held event",
        "description": "The event is never served; its author's later held events are no longer admitted automatically.",
        "operationId": "rejectHeld",
        "x-pleb-access": "moderator",
        "parameters": [{ "$ref": "#/components/parameters/EventId" }],
        "responses": {
          "200": { "description": "The decision", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HeldDecision" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "description": "No held event has this id", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "409": { "description": "The event was already approved or rejected", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "nostr": { "type": "http", "scheme": "Nostr", "description": "NIP-98: base64 of a kind-27235 event signed within 60 s, with `u` = the absolute request URL, `method` = the request method and, when there is a body, `payload` = hex SHA-256 of the body. Each event is accepted once." },
      "session": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A token from POST /api/v1/auth/session." }
    },
    "parameters": {
      "EventId": { "name": "id", "in": "path", "required": true, "description": "The event id: 64 lowercase hex characters", "schema": { "$ref": "#/components/schemas/Hex32" } },
      "Pubkey": { "name": "pubkey", "in": "path", "required": true, "description": "64 lowercase hex characters, or the same key as an npub (NIP-19)", "schema": { "oneOf": [{ "$ref": "#/components/schemas/Hex32" }, { "$ref": "#/components/schemas/Npub" }] } }
    },
    "headers": {
      "ETag": { "description": "Strong tag of the body; send it back in If-None-Match to get 304 when unchanged", "schema": { "type": "string" } },
      "RetryAfter": { "description": "Seconds to wait", "schema": { "type": "integer" } }
    },
    "schemas": {
      "Hex32": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
      "Npub": { "type": "string", "pattern": "^npub1[02-9ac-hj-np-z]{58}$" },
      "Role": { "type": "string", "enum": ["member", "moderator", "admin"] },
      "HeldEvent": {
        "type": "object",
        "required": ["id", "pubkey", "kind", "created_at", "reason", "held_at", "event"],
        "properties": { "id": { "$ref": "#/components/schemas/Hex32" }, "pubkey": { "$ref": "#/components/schemas/Hex32" }, "kind": { "type": "integer" }, "created_at": { "type": "integer" }, "reason": { "type": "string", "description": "Why it was held (untrusted: from outside the web of trust)" }, "held_at": { "type": "integer" }, "event": { "type": "object", "description": "The signed Nostr event" } }
      },
      "HeldPage": {
        "type": "object",
        "required": ["events", "next_cursor"],
        "properties": { "events": { "type": "array", "items": { "$ref": "#/components/schemas/HeldEvent" } }, "next_cursor": { "type": ["string", "null"] } }
      },
      "BanType": { "type": "string", "enum": ["pubkey", "event", "address"] },
      "BanRequest": {
        "type": "object",
        "required": ["type", "value"],
        "additionalProperties": false,
        "properties": {
          "type": { "$ref": "#/components/schemas/BanType" },
          "value": { "type": "string", "description": "pubkey: 64 lowercase hex characters or an npub; event: hex or a note; address: IPv4 or IPv6" },
          "reason": { "type": "string", "maxLength": 500 },
          "shadow": { "type": "boolean", "default": false, "description": "pubkeys only: the author is told OK and nothing is stored" },
          "purge": { "type": "boolean", "default": false, "description": "pubkeys only: the author's stored events are taken down too, now and whenever more are found (an event ban always takes the event down)" }
        }
      },
      "Ban": {
        "type": "object",
        "required": ["type", "value", "shadow", "purge", "reason", "banned_by", "banned_at"],
        "properties": {
          "type": { "$ref": "#/components/schemas/BanType" },
          "value": { "type": "string", "description": "Canonical: hex for pubkeys and event ids, the address as the relay writes it" },
          "shadow": { "type": "boolean" },
          "purge": { "type": "boolean" },
          "reason": { "type": "string" },
          "banned_by": { "$ref": "#/components/schemas/Hex32" },
          "banned_at": { "type": "integer", "description": "Unix seconds" }
        }
      },
      "BanPage": {
        "type": "object",
        "required": ["bans", "next_cursor"],
        "properties": { "bans": { "type": "array", "items": { "$ref": "#/components/schemas/Ban" } }, "next_cursor": { "type": ["string", "null"] } }
      },
      "HeldDecision": {
        "type": "object",
        "required": ["id", "status"],
        "properties": { "id": { "$ref": "#/components/schemas/Hex32" }, "status": { "type": "string", "enum": ["approved", "rejected"] } }
      },
      "Problem": {
        "type": "object",
        "required": ["type", "title", "status"],
        "properties": { "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" } }
      },
      "Session": {
        "type": "object",
        "required": ["token", "token_type", "pubkey", "role", "member", "expires_at"],
        "properties": {
          "token": { "type": "string", "description": "HS256 JWT with sub (pubkey hex), role, iat, exp" },
          "token_type": { "type": "string", "enum": ["Bearer"] },
          "pubkey": { "$ref": "#/components/schemas/Hex32" },
          "role": { "$ref": "#/components/schemas/Role" },
          "member": { "type": "boolean" },
          "expires_at": { "type": "integer", "description": "Unix seconds" }
        }
      },
      "User": {
        "type": "object",
        "required": ["pubkey", "npub", "display_name", "about", "picture", "nip05", "member", "role", "joined_at", "created_at", "updated_at"],
        "properties": {
          "pubkey": { "$ref": "#/components/schemas/Hex32" },
          "npub": { "$ref": "#/components/schemas/Npub" },
          "display_name": { "type": "string" },
          "about": { "type": "string" },
          "picture": { "type": "string" },
          "nip05": { "type": "string", "nullable": true, "description": "The claimed NIP-05 name (local part, lowercase)" },
          "member": { "type": "boolean" },
          "role": { "allOf": [{ "$ref": "#/components/schemas/Role" }], "nullable": true, "description": "null when not a member" },
          "joined_at": { "type": "integer", "nullable": true, "description": "Unix seconds; null when not a member" },
          "created_at": { "type": "integer", "description": "Unix seconds" },
          "updated_at": { "type": "integer", "description": "Unix seconds" }
        }
      },
      "ProfileUpdate": {
        "type": "object",
        "additionalProperties": false,
        "properties": { "display_name": { "type": "string", "nullable": true }, "about": { "type": "string", "nullable": true }, "picture": { "type": "string", "nullable": true } }
      },
      "Nip05Claim": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string", "pattern": "^[a-z0-9._-]+$" } } },
      "Nip05Name": { "type": "object", "required": ["name", "pubkey"], "properties": { "name": { "type": "string" }, "pubkey": { "$ref": "#/components/schemas/Hex32" } } },
      "Nip05Availability": {
        "type": "object",
        "required": ["name", "available", "reason", "pubkey"],
        "properties": {
          "name": { "type": "string", "description": "The name as compared (lowercase)" },
          "available": { "type": "boolean" },
          "reason": { "type": "string", "enum": ["taken", "reserved"], "nullable": true, "description": "Why it is not available; null when it is" },
          "pubkey": { "allOf": [{ "$ref": "#/components/schemas/Hex32" }], "nullable": true, "description": "The holder when taken; otherwise null" }
        }
      },
      "Member": {
        "type": "object",
        "required": ["pubkey", "role", "joined_at"],
        "properties": { "pubkey": { "$ref": "#/components/schemas/Hex32" }, "role": { "$ref": "#/components/schemas/Role" }, "joined_at": { "type": "integer", "description": "Unix seconds" } }
      },
      "MemberListing": {
        "type": "object",
        "required": ["pubkey", "role", "joined_at", "display_name", "nip05"],
        "properties": {
          "pubkey": { "$ref": "#/components/schemas/Hex32" },
          "role": { "$ref": "#/components/schemas/Role" },
          "joined_at": { "type": "integer", "description": "Unix seconds" },
          "display_name": { "type": "string" },
          "nip05": { "type": "string", "nullable": true }
        }
      },
      "MemberPage": {
        "type": "object",
        "required": ["members", "next_cursor"],
        "properties": {
          "members": { "type": "array", "items": { "$ref": "#/components/schemas/MemberListing" } },
          "next_cursor": { "type": "string", "nullable": true, "description": "Pass as `cursor` for the next page; null on the last page" }
        }
      },
      "RoleChange": { "type": "object", "required": ["role"], "properties": { "role": { "$ref": "#/components/schemas/Role" } } }
    },
    "responses": {
      "NotModified": { "description": "Unchanged since the tag in If-None-Match" },
      "BadRequest": { "description": "Malformed request", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Unauthorized": { "description": "Missing or refused credentials; the detail says why", "headers": { "WWW-Authenticate": { "schema": { "type": "string" } } }, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Forbidden": { "description": "The caller's role does not allow this", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "NotFound": { "description": "No such resource", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "PayloadTooLarge": { "description": "The body is too large", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "UnsupportedMediaType": { "description": "The body is not application/json", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Unprocessable": { "description": "Well-formed but invalid content", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "ServiceUnavailable": { "description": "The user database is unavailable; try again", "headers": { "Retry-After": { "$ref": "#/components/headers/RetryAfter" } }, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "TooManyRequests": { "description": "Rate limited", "headers": { "Retry-After": { "$ref": "#/components/headers/RetryAfter" } }, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
    }
  }
}
)json";
}

}  // namespace pleb::api
