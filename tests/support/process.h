// Real processes for e2e tests: start a binary in the background (always stopped by the
// destructor), or run a command to completion with its output captured.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace betteroms::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` with extra environment, feeding `input` on stdin; waits up to `timeout_s`.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& input = "", int timeout_s = 120);

class BackgroundProcess {
 public:
  // Starts `argv`; stderr and stdout go to `log_path`.
  BackgroundProcess(const std::vector<std::string>& argv,
                    const std::map<std::string, std::string>& env, const std::string& log_path);
  ~BackgroundProcess();  // Stop()
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // SIGTERM, then SIGKILL after 10 s. Returns the exit status (or -signal).
  int Stop();
  bool Running();
  // Waits for the process to exit on its own; returns its exit code, or -1 on timeout.
  int Wait(int timeout_ms);
  pid_t pid() const { return pid_; }
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
  std::string log_path_;
};

// Waits until `path` exists and holds a port number; returns it, or 0 on timeout.
int WaitForPortFile(const std::string& path, int timeout_ms, BackgroundProcess* proc = nullptr);

// The whole text of a file ("" when unreadable).
std::string ReadTextFileForTest(const std::string& path);

// A fresh temporary folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, const std::string& content, int mode = 0644) const;

 private:
  std::string path_;
};

// A loopback port nothing listens on now (the kernel's pick for an ephemeral bind, released);
// 0 when none could be had. Another process may take it before the caller binds it.
int FreePort();

}  // namespace betteroms::test
