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
          "429": { "$ref": "#/components/responses/TooManyRequests" }
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
          "404": { "$ref": "#/components/responses/NotFound" }
        }
      }
    },
    "/api/v1/users/me": {
      "patch": {
        "summary": "Update the caller's profile",
        "operationId": "updateMe",
        "x-pleb-access": "authenticated",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileUpdate" } } } },
        "responses": {
          "200": { "description": "The updated profile", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
          "422": { "$ref": "#/components/responses/Unprocessable" }
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
          "201": { "description": "The name now points at the caller", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Nip05Name" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "422": { "$ref": "#/components/responses/Unprocessable" }
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
          "404": { "$ref": "#/components/responses/NotFound" }
        }
      }
    },
    "/api/v1/nip05/{name}": {
      "get": {
        "summary": "Look up a NIP-05 name",
        "operationId": "getNip05",
        "x-pleb-access": "public",
        "security": [],
        "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[a-z0-9._-]+$" } }],
        "responses": {
          "200": { "description": "Who the name points at", "headers": { "ETag": { "$ref": "#/components/headers/ETag" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Nip05Name" } } } },
          "304": { "$ref": "#/components/responses/NotModified" },
          "404": { "$ref": "#/components/responses/NotFound" }
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
          { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 100 } },
          { "name": "after", "in": "query", "description": "Pubkey of the last member of the previous page", "schema": { "$ref": "#/components/schemas/Hex32" } }
        ],
        "responses": {
          "200": { "description": "One page of members", "headers": { "ETag": { "$ref": "#/components/headers/ETag" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MemberPage" } } } },
          "304": { "$ref": "#/components/responses/NotModified" },
          "400": { "$ref": "#/components/responses/BadRequest" }
        }
      },
      "post": {
        "summary": "Join the community",
        "operationId": "join",
        "x-pleb-access": "authenticated",
        "responses": {
          "201": { "description": "The caller is a member", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Member" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" }
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
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "422": { "$ref": "#/components/responses/Unprocessable" }
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
      "Pubkey": { "name": "pubkey", "in": "path", "required": true, "schema": { "$ref": "#/components/schemas/Hex32" } }
    },
    "headers": {
      "ETag": { "description": "Strong tag of the body; send it back in If-None-Match to get 304 when unchanged", "schema": { "type": "string" } },
      "RetryAfter": { "description": "Seconds to wait", "schema": { "type": "integer" } }
    },
    "schemas": {
      "Hex32": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
      "Role": { "type": "string", "enum": ["member", "moderator", "admin"] },
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
        "required": ["pubkey"],
        "properties": {
          "pubkey": { "$ref": "#/components/schemas/Hex32" },
          "name": { "type": "string" },
          "display_name": { "type": "string" },
          "about": { "type": "string" },
          "picture": { "type": "string" },
          "nip05": { "type": "string" },
          "member": { "type": "boolean" },
          "role": { "$ref": "#/components/schemas/Role" }
        }
      },
      "ProfileUpdate": {
        "type": "object",
        "properties": { "name": { "type": "string" }, "display_name": { "type": "string" }, "about": { "type": "string" }, "picture": { "type": "string" } }
      },
      "Nip05Claim": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string", "pattern": "^[a-z0-9._-]+$" } } },
      "Nip05Name": { "type": "object", "required": ["name", "pubkey"], "properties": { "name": { "type": "string" }, "pubkey": { "$ref": "#/components/schemas/Hex32" } } },
      "Member": {
        "type": "object",
        "required": ["pubkey", "role"],
        "properties": { "pubkey": { "$ref": "#/components/schemas/Hex32" }, "role": { "$ref": "#/components/schemas/Role" }, "joined_at": { "type": "integer", "description": "Unix seconds" } }
      },
      "MemberPage": { "type": "object", "required": ["members"], "properties": { "members": { "type": "array", "items": { "$ref": "#/components/schemas/Member" } } } },
      "RoleChange": { "type": "object", "required": ["role"], "properties": { "role": { "$ref": "#/components/schemas/Role" } } }
    },
    "responses": {
      "NotModified": { "description": "Unchanged since the tag in If-None-Match" },
      "BadRequest": { "description": "Malformed request", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Unauthorized": { "description": "Missing or refused credentials; the detail says why", "headers": { "WWW-Authenticate": { "schema": { "type": "string" } } }, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Forbidden": { "description": "The caller's role does not allow this", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "NotFound": { "description": "No such resource", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Conflict": { "description": "Conflicts with the current state", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "PayloadTooLarge": { "description": "The body is too large", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "UnsupportedMediaType": { "description": "The body is not application/json", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "Unprocessable": { "description": "Well-formed but invalid content", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
      "TooManyRequests": { "description": "Rate limited", "headers": { "Retry-After": { "$ref": "#/components/headers/RetryAfter" } }, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
    }
  }
}
)json";
}

}  // namespace pleb::api
