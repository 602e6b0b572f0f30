#include "tests/support/pg_harness.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "store/migrations.h"

namespace betteroms::test {

bool HaveTestPostgres() {
  const char* url = std::getenv("BETTEROMS_TEST_PG");
  return url != nullptr && *url != '\0';
}

std::string WithDatabase(const std::string& url, const std::string& name) {
  size_t slash = url.rfind('/');
  size_t query = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

std::unique_ptr<TestDatabase> TestDatabase::Create(bool migrate) {
  static std::atomic<int> counter{0};
  // The constructor is private, which std::make_unique cannot reach.
  auto db = std::unique_ptr<TestDatabase>(new TestDatabase());  // NOLINT(modernize-make-unique)
  db->admin_url_ = std::getenv("BETTEROMS_TEST_PG");
  db->name_ = "oms_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  auto admin = store::Connection::Open(db->admin_url_);
  if (!admin.ok()) throw std::runtime_error(std::string(admin.status().message()));
  absl::Status created =
      (*admin)->ExecScript("create test database", "CREATE DATABASE " + db->name_);
  if (!created.ok()) throw std::runtime_error(std::string(created.message()));
  db->url_ = WithDatabase(db->admin_url_, db->name_);
  if (migrate) {
    auto conn = db->Connect();
    auto applied = store::ApplyMigrations(*conn, store::EmbeddedMigrations());
    if (!applied.ok()) throw std::runtime_error(std::string(applied.status().message()));
  }
  return db;
}

TestDatabase::~TestDatabase() { Drop(); }

void TestDatabase::Drop() {
  auto admin = store::Connection::Open(admin_url_);
  if (admin.ok()) {
    (void)(*admin)->ExecScript("drop test database",
                               "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
}

std::unique_ptr<store::Connection> TestDatabase::Connect() const {
  auto conn = store::Connection::Open(url_);
  if (!conn.ok()) throw std::runtime_error(std::string(conn.status().message()));
  return std::move(*conn);
}

}  // namespace betteroms::test
