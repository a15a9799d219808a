#include "sweep/sweep_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/printable.hpp"
#include "io/atomic_file.hpp"
#include "io/json_file.hpp"

namespace disent::sweep {

namespace fs = std::filesystem;

SweepRecord make_record(const SweepSpec& spec, const std::vector<PlannedRun>& runs) {
    SweepRecord rec;
    rec.name = spec.name;
    rec.file = fs::absolute(spec.file).lexically_normal().string();
    rec.base = fs::absolute(spec.base).lexically_normal().string();
    for (const auto& a : spec.grid)
        for (const auto& k : a.keys) rec.keys.push_back(k);
    for (const auto& k : spec.zip.keys) rec.keys.push_back(k);
    if (spec.seed_varies) rec.keys.push_back("seed");
    for (const auto& r : runs) rec.runs.push_back({r.index, r.repeat, r.name, "runs/" + r.dir_name(), r.swept});
    return rec;
}

namespace {

nlohmann::json to_json(const SweepRecord& rec) {
    nlohmann::json j;
    j["name"] = rec.name;
    j["file"] = rec.file;
    j["base"] = rec.base;
    j["keys"] = rec.keys;
    j["runs"] = nlohmann::json::array();
    for (const auto& r : rec.runs) {
        nlohmann::json ov = nlohmann::json::array();
        for (const auto& [k, v] : r.swept) ov.push_back({k, v});
        j["runs"].push_back({{"index", r.index}, {"repeat", r.repeat}, {"name", r.name}, {"dir", r.dir}, {"overrides", ov}});
    }
    return j;
}

}  // namespace

void write_record(const std::string& root, const SweepRecord& rec) {
    io::make_dirs(root);
    const std::string path = root + "/sweep.json";
    const nlohmann::json j = to_json(rec);
    if (fs::exists(path)) {
        nlohmann::json old;
        try {
            old = io::read_json(path);
        } catch (const UserError&) {
        }
        if (old == j) return;
        if (old.contains("runs") && old["runs"] != j["runs"])
            throw UserError("'" + root + "' already holds a different sweep plan (" + path +
                            "); the sweep file changed since its runs started: give a new out: directory");
    }
    io::write_json_atomic(path, j);
}

SweepRecord read_record(const std::string& root) {
    const std::string path = root + "/sweep.json";
    if (!fs::exists(path))
        throw UserError("'" + root + "' is not a sweep directory (no sweep.json; `sweep run` or `sweep submit` writes it)");
    const auto j = io::read_json(path);
    SweepRecord rec;
    try {
        rec.name = j.at("name").get<std::string>();
        rec.file = j.value("file", "");
        rec.base = j.value("base", "");
        rec.keys = j.at("keys").get<std::vector<std::string>>();
        for (const auto& r : j.at("runs")) {
            RecordedRun rr;
            rr.index = r.at("index").get<int64_t>();
            rr.repeat = r.value("repeat", 0);
            rr.name = r.at("name").get<std::string>();
            rr.dir = r.at("dir").get<std::string>();
            if (rr.dir.find("..") != std::string::npos || rr.dir.empty() || rr.dir[0] == '/')
                throw UserError(path + ": run directory '" + rr.dir + "' escapes the sweep directory");
            for (const auto& kv : r.at("overrides")) rr.swept.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
            rec.runs.push_back(std::move(rr));
        }
    } catch (const nlohmann::json::exception& e) {
        throw UserError(path + ": not a sweep record: " + e.what());
    }
    return rec;
}

std::string run_log_path(const std::string& root, const RecordedRun& run) {
    return root + "/logs/" + fs::path(run.dir).filename().string() + ".log";
}
std::string run_exit_path(const std::string& root, const RecordedRun& run) {
    return root + "/logs/" + fs::path(run.dir).filename().string() + ".exit";
}

const char* state_name(RunState s) {
    switch (s) {
        case RunState::Done: return "done";
        case RunState::Running: return "running";
        case RunState::Failed: return "failed";
        case RunState::Interrupted: return "interrupted";
        case RunState::Pending: return "pending";
    }
    return "?";
}

namespace {

bool lock_held(const std::string& lock_path) {
    int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;  // EWOULDBLOCK: a process trains in it
    if (!held) ::flock(fd, LOCK_UN);
    ::close(fd);
    return held;
}

std::string last_error_line(const std::string& log) {
    std::ifstream in(log);
    std::string line, last_error, last_nonempty;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        last_nonempty = line;
        if (line.rfind("error", 0) == 0 || line.find("error:") != std::string::npos) last_error = line;
    }
    return last_error.empty() ? last_nonempty : last_error;
}

}  // namespace

RunStatus run_status(const std::string& root, const RecordedRun& run) {
    RunStatus st;
    const std::string dir = root + "/" + run.dir;
    if (fs::exists(dir + "/summary.json")) {
        try {
            auto j = io::read_json(dir + "/summary.json");
            st.step = j.value("step", int64_t{0});
            st.steps = j.value("steps", int64_t{0});
            if (j.value("status", "") == "finished") {
                st.state = RunState::Done;
                return st;
            }
        } catch (const UserError&) {
        }
    }
    if (lock_held(dir + "/.lock")) {
        st.state = RunState::Running;
        return st;
    }
    const std::string exit_path = run_exit_path(root, run);
    if (fs::exists(exit_path)) {
        int code = 0;
        std::ifstream(exit_path) >> code;
        if (code == 3) st.state = RunState::Interrupted;
        else if (code != 0) {
            st.state = RunState::Failed;
            st.detail = last_error_line(run_log_path(root, run));
        }
    }
    return st;
}

std::string status_report(const std::string& root, const SweepRecord& rec, bool all_rows) {
    std::ostringstream os;
    int counts[5] = {0, 0, 0, 0, 0};
    std::ostringstream rows;
    for (const auto& r : rec.runs) {
        const RunStatus st = run_status(root, r);
        counts[static_cast<int>(st.state)]++;
        if (!all_rows && st.state == RunState::Done) continue;
        rows << "  " << r.index << "\t" << state_name(st.state);
        if (st.steps > 0) rows << "\t" << st.step << "/" << st.steps;
        else rows << "\t-";
        rows << "\t" << r.name;
        if (!st.detail.empty()) rows << "\n      last error: " << st.detail;
        rows << "\n";
    }
    os << "sweep " << rec.name << " (" << root << "): " << rec.runs.size() << " runs\n";
    os << rows.str();
    os << "done " << counts[0] << " / running " << counts[1] << " / failed " << counts[2] << " / interrupted " << counts[3]
       << " / pending " << counts[4] << "\n";
    return os.str();
}

namespace {

std::string sbatch_line(const std::string& s) { return s.rfind("#SBATCH ", 0) == 0 ? s : "#SBATCH " + s; }

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace

std::string sbatch_script(const ScriptOptions& o) {
    // Every value is checked again here (the sweep file and the command line were checked where they
    // were read), so that no caller can put a value outside its slot: a newline would start a shell
    // command and end sbatch's reading of the #SBATCH lines before --signal and --requeue.
    auto check = [](const std::string& key, const std::string& value) {
        if (const std::string why = slurm_value_problem(key, value); !why.empty())
            throw UserError("sbatch script: 'slurm." + key + "' is '" + printable(value) + "'; expected " + why);
    };
    check("partition", o.slurm.partition);
    check("account", o.slurm.account);
    check("qos", o.slurm.qos);
    check("time", o.slurm.time);
    check("mem", o.slurm.mem);
    for (const auto& e : o.slurm.extra) check("extra", e);
    if (sanitize_name(o.job_name) != o.job_name)
        throw UserError("sbatch script: job name '" + printable(o.job_name) + "' is not a plain sweep name ([A-Za-z0-9._=+-])");
    const struct {
        const char* what;
        const std::string& path;
        bool in_sbatch_line;
    } paths[] = {{"sweep directory", o.out, true}, {"binary", o.binary, false}, {"sweep file", o.sweep_file, false},
                 {"working directory", o.workdir, false}};
    for (const auto& p : paths)
        if (const std::string why = script_path_problem(p.path, p.in_sbatch_line); !why.empty())
            throw UserError("sbatch script: the " + std::string(p.what) + " '" + printable(p.path) + "' cannot go into the script; expected " + why);
    if (o.tasks < 1 || o.runs_per_task < 1 || o.slurm.cpus < 0 || o.slurm.gpus < 0 || o.slurm.max_parallel < 0)
        throw UserError("sbatch script: tasks and runs per task must be >= 1, cpus, gpus and max_parallel >= 0");

    std::ostringstream s;
    s << "#!/bin/bash\n";
    s << "# generated by `disent-run sweep submit` for sweep " << o.job_name << ": " << o.tasks << " array tasks x "
      << o.runs_per_task << " runs per task\n";
    s << "#SBATCH --job-name=" << o.job_name << "\n";
    s << "#SBATCH --array=0-" << (o.tasks - 1);
    if (o.slurm.max_parallel > 0) s << "%" << o.slurm.max_parallel;
    s << "\n";
    if (!o.slurm.partition.empty()) s << "#SBATCH --partition=" << o.slurm.partition << "\n";
    if (!o.slurm.account.empty()) s << "#SBATCH --account=" << o.slurm.account << "\n";
    if (!o.slurm.qos.empty()) s << "#SBATCH --qos=" << o.slurm.qos << "\n";
    if (!o.slurm.time.empty()) s << "#SBATCH --time=" << o.slurm.time << "\n";
    if (o.slurm.cpus > 0) s << "#SBATCH --cpus-per-task=" << o.slurm.cpus << "\n";
    if (o.slurm.gpus > 0) s << "#SBATCH --gres=gpu:" << o.slurm.gpus << "\n";
    if (!o.slurm.mem.empty()) s << "#SBATCH --mem=" << o.slurm.mem << "\n";
    s << "#SBATCH --output=" << o.out << "/slurm/%A_%a.out\n";
    s << "#SBATCH --open-mode=append\n";
    s << "#SBATCH --signal=B:USR1@90\n";
    s << "#SBATCH --requeue\n";
    for (const auto& e : o.slurm.extra) s << sbatch_line(e) << "\n";
    s << R"SH(
# SLURM sends USR1 to this shell 90 s before the time limit (and TERM on preemption). Forward it to
# disent-run, which writes a checkpoint and exits with code 3; then requeue this array task, whose
# next start resumes from the checkpoint (`sweep run` skips finished runs and resumes partial ones).
set -u
)SH";
    s << "cd " << shell_quote(o.workdir) << " || exit 1\n";
    s << "echo \"[sweep] task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname) restart ${SLURM_RESTART_COUNT:-0}\"\n";
    s << shell_quote(o.binary) << " sweep run " << shell_quote(o.sweep_file) << " --out " << shell_quote(o.out)
      << " --index \"${SLURM_ARRAY_TASK_ID}\" --runs-per-task " << o.runs_per_task << " --progress lines &\n";
    s << R"SH(child=$!
forward() { echo "[sweep] got SIG$1: forwarding to disent-run (pid $child)"; kill -s "$1" "$child" 2>/dev/null; }
trap 'forward USR1' USR1
trap 'forward TERM' TERM
rc=0
while :; do
  wait "$child"; rc=$?                  # returns early (> 128) when a trapped signal arrives
  kill -0 "$child" 2>/dev/null || break
done
if [ "$rc" -gt 128 ]; then              # the signal and the exit raced: ask for the saved status
  wait "$child" 2>/dev/null; rc2=$?
  [ "$rc2" -ne 127 ] && rc=$rc2
fi
if [ "$rc" -eq 3 ]; then
  echo "[sweep] interrupted with a checkpoint: requeueing ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
fi
exit "$rc"
)SH";
    return s.str();
}

}  // namespace disent::sweep
