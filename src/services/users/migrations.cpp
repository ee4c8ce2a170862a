#include "services/users/migrations.hpp"

namespace pleb::users {

const std::vector<store::Migration>& user_migrations() {
  // Pubkeys are 64 lowercase hex characters; times are Unix seconds. profile_event_at is the
  // created_at of the last kind-0 event applied to the profile (0: none yet).
  static const std::vector<store::Migration> migrations = {
      {1,
       "accounts, NIP-05 names and membership",
       {
           "CREATE TABLE accounts ("
           " pubkey TEXT PRIMARY KEY,"
           " display_name TEXT NOT NULL DEFAULT '',"
           " about TEXT NOT NULL DEFAULT '',"
           " picture TEXT NOT NULL DEFAULT '',"
           " profile_event_at BIGINT NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           // One name per pubkey, one pubkey per name; names are stored lowercase, which makes them
           // unique regardless of case.
           "CREATE TABLE nip05_names ("
           " name TEXT PRIMARY KEY CHECK (name = lower(name)),"
           " pubkey TEXT NOT NULL UNIQUE REFERENCES accounts (pubkey) ON DELETE CASCADE,"
           " claimed_at BIGINT NOT NULL)",
           "CREATE TABLE members ("
           " pubkey TEXT PRIMARY KEY REFERENCES accounts (pubkey) ON DELETE CASCADE,"
           " role TEXT NOT NULL CHECK (role IN ('member', 'moderator', 'admin')),"
           " joined_at BIGINT NOT NULL,"
           " role_changed_at BIGINT NOT NULL)",
           // The member list pages through this order.
           "CREATE INDEX members_by_joined_at ON members (joined_at, pubkey)",
       }},
  };
  return migrations;
}

}  // namespace pleb::users
