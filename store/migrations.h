// Forward-only schema migrations: migrations/NNNN_name.sql applied in order, each in its own
// transaction, recorded with a checksum in schema_migrations.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/db.h"

namespace betteroms::store {

struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. "0001_init.sql"
  std::string sql;
};

// The migrations compiled into the binary from migrations/.
const std::vector<Migration>& EmbeddedMigrations();

// Reads NNNN_name.sql files from `dir`, sorted by version. InvalidArgument on a badly named file
// or a repeated version; NotFound when the folder cannot be read.
absl::StatusOr<std::vector<Migration>> LoadMigrations(const std::string& dir);

// Hex SHA-256 of the file's text.
std::string MigrationChecksum(const Migration& m);

// Applies the migrations not yet recorded, under an advisory lock so that concurrent servers
// take turns. Returns how many were applied. FailedPrecondition when an applied migration's
// checksum changed or an applied version is unknown to this binary (the database is newer).
absl::StatusOr<int> ApplyMigrations(Connection& conn, const std::vector<Migration>& migrations);

}  // namespace betteroms::store
