// plan-check FILE...: prints "valid" or "invalid" per plan file by the static validator, for the
// test that holds the JSON Schema to the same verdicts.
#include <fstream>
#include <iostream>
#include <sstream>

#include "oms-server/domain/plan.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i]);
    std::stringstream text;
    text << in.rdbuf();
    auto result = betteroms::domain::ParsePlan(text.str());
    std::cout << argv[i] << " " << (result.ok() ? "valid" : "invalid") << "\n";
  }
  return 0;
}
