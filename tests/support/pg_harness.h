// A fresh PostgreSQL database per test fixture, from BETTEROMS_TEST_PG (scripts/test starts a
// private cluster and sets it). Tests that need it are skipped, loudly, when it is unset.
#pragma once

#include <memory>
#include <string>

#include "store/db.h"

namespace betteroms::test {

class TestDatabase {
 public:
  // Creates database "oms_test_<pid>_<n>"; `migrate` applies the embedded migrations.
  static std::unique_ptr<TestDatabase> Create(bool migrate = true);
  ~TestDatabase();

  const std::string& url() const { return url_; }
  // Drops the database now, closing every connection to it (the destructor does it otherwise).
  void Drop();
  std::unique_ptr<store::Connection> Connect() const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// The server URL with the database replaced, e.g. for ".../postgres" → ".../NAME".
std::string WithDatabase(const std::string& url, const std::string& name);

// True when BETTEROMS_TEST_PG is set.
bool HaveTestPostgres();

}  // namespace betteroms::test
