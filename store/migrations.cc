#include "store/migrations.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file.h"
#include "common/hex.h"
#include "common/status_macros.h"

namespace betteroms::store {
namespace {

// Any fixed number: all BetterOMS processes agree on it.
constexpr int64_t kMigrationLockKey = 0x6f6d735f6d6967;  // "oms_mig"

}  // namespace

std::string MigrationChecksum(const Migration& m) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(m.sql.data(), m.sql.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex({digest, len});
}

absl::StatusOr<std::vector<Migration>> LoadMigrations(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return absl::NotFoundError(absl::StrCat("migrations: cannot read ", dir, ": ", ec.message()));
  }
  std::vector<Migration> out;
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    int version = 0;
    if (name.size() < 10 || name[4] != '_' || !absl::SimpleAtoi(name.substr(0, 4), &version) ||
        version <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("migrations: ", name, " is not named NNNN_name.sql"));
    }
    absl::StatusOr<std::string> text = ReadFileText(entry.path().string());
    if (!text.ok()) {
      return absl::Status(text.status().code(),
                          absl::StrCat("migrations: ", text.status().message()));
    }
    out.push_back({version, name, std::move(*text)});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return absl::InvalidArgumentError(
          absl::StrCat("migrations: ", out[i - 1].name, " and ", out[i].name, " share a version"));
    }
  }
  return out;
}

absl::StatusOr<int> ApplyMigrations(Connection& conn, const std::vector<Migration>& migrations) {
  OMS_RETURN_IF_ERROR(conn.ExecScript("create schema_migrations",
                                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                      " version integer PRIMARY KEY,"
                                      " name text NOT NULL,"
                                      " checksum text NOT NULL,"
                                      " applied_at timestamptz NOT NULL DEFAULT now())"));
  OMS_RETURN_IF_ERROR(
      conn.Exec("migration lock", "SELECT pg_advisory_lock($1)", Params().Add(kMigrationLockKey))
          .status());
  auto unlock = [&] {
    (void)conn.Exec("migration unlock", "SELECT pg_advisory_unlock($1)",
                    Params().Add(kMigrationLockKey));
  };
  auto applied_rows =
      conn.Exec("read schema_migrations", "SELECT version, name, checksum FROM schema_migrations");
  if (!applied_rows.ok()) {
    unlock();
    return applied_rows.status();
  }
  std::map<int, std::string> applied;
  for (int r = 0; r < applied_rows->rows(); ++r) {
    RowReader row = applied_rows->Row(r);
    int version = static_cast<int>(row.Int("version"));
    applied[version] = row.Text("checksum");
    if (!row.status().ok()) {
      unlock();
      return row.status();
    }
    auto known = std::find_if(migrations.begin(), migrations.end(),
                              [&](const Migration& m) { return m.version == version; });
    if (known == migrations.end()) {
      unlock();
      return absl::FailedPreconditionError(
          absl::StrCat("migrations: the database has migration ", row.Text("name"),
                       " which this build does not know; it is newer than this binary"));
    }
    if (MigrationChecksum(*known) != applied[version]) {
      unlock();
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: ", known->name, " changed after it was applied (checksum ",
          applied[version].substr(0, 12), "… recorded, ", MigrationChecksum(*known).substr(0, 12),
          "… now); migrations are never edited once applied: add a new one"));
    }
  }
  int count = 0;
  for (const Migration& m : migrations) {
    if (applied.count(m.version) != 0) continue;
    absl::Status st = InTransaction(conn, [&](Connection& tx) -> absl::Status {
      OMS_RETURN_IF_ERROR(tx.ExecScript(absl::StrCat("apply ", m.name), m.sql));
      return tx
          .Exec("record migration",
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                Params().Add(m.version).Add(m.name).Add(MigrationChecksum(m)))
          .status();
    });
    if (!st.ok()) {
      unlock();
      return st;
    }
    ++count;
  }
  unlock();
  return count;
}

}  // namespace betteroms::store
