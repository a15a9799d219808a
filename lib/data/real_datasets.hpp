#pragma once
// The standard ground-truth datasets that come from files (spec §5.3): their specifications (factors,
// shapes, constants, source files with checksums), `prepare` (verify the sources, convert once into the
// HDF5 store under the data root, atomically) and PreparedData (a GroundTruthData reading the store
// through a chunk cache, or from RAM with in_memory=true).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "data/ground_truth.hpp"
#include "data/h5_store.hpp"

namespace disent::data {

struct SourceFile {
    std::vector<std::string> names;  // accepted file names (alternatives), relative to --source
    std::string md5_fast, md5_full;  // published hashes of names[0] (empty: none published)
    bool optional = false;           // verified if present (cars3d's tarball)
};

struct PrepareInputs {
    std::string source_dir;
    std::map<std::string, std::string> files;  // SourceFile::names[0] -> resolved path of the one found
};

struct RealDatasetSpec {
    std::string key;     // registry name
    std::string folder;  // sub-folder of the data root (disent's `name`)
    std::string description;
    std::vector<std::string> factor_names;
    std::vector<int64_t> factor_sizes;
    int height = 64, width = 64, channels = 3;
    std::vector<double> mean, std;
    std::vector<SourceFile> files;
    std::string published;  // where the files are published
    std::string howto;      // one line: what --source must contain
    // Converts the located sources into the writer, images in index order (validating the layout).
    std::function<void(const RealDatasetSpec&, const PrepareInputs&, H5ImageWriter&)> convert;
    int64_t size() const;
};

// The built-in table (dsprites, shapes3d, cars3d, smallnorb, mpi3d_toy, mpi3d_realistic, mpi3d_real).
// Mutable so that tests can add small variants of a spec (other factor sizes) under another key.
std::vector<RealDatasetSpec>& real_dataset_specs();
const RealDatasetSpec* find_real_dataset(const std::string& key);

// Data root: explicit value, else $DISENT_DATA_ROOT, else ./data/dataset (made absolute).
std::string resolve_data_root(const std::string& explicit_root = "");
// <root>/<folder>/<key>.h5
std::string prepared_path(const RealDatasetSpec& spec, const std::string& root);

struct PrepareOptions {
    std::string hash_mode = "fast";                   // "fast" | "full"
    std::map<std::string, std::string> expected_md5;  // file name -> expected hash (overrides the table)
    bool skip_checksum = false;                       // test fixtures only (documented in docs/datasets.md)
    bool force = false;                               // replace a different existing prepared file
};
struct PrepareResult {
    std::string path;
    std::string status;  // "created" | "unchanged" | "replaced"
    std::vector<std::string> notes;
};
// UserError (one line) on a missing source, a checksum mismatch, a malformed source or an existing
// different prepared file; no partial output is ever left at the prepared path.
PrepareResult prepare_dataset(const RealDatasetSpec& spec, const std::string& source_dir, const std::string& root,
                              const PrepareOptions& opts = {});

class PreparedData : public GroundTruthData {
public:
    PreparedData(const RealDatasetSpec& spec, const Params& p);
    PreparedData(const RealDatasetSpec& spec, const std::string& root, bool in_memory, bool standardise = true);
    static ParamTable param_table();
    std::string name() const override { return spec_.folder; }
    void render(int64_t idx, uint8_t* out) const override;
    // Images [start, start + count) into out (contiguous HWC), one HDF5 read when not in memory.
    void read_range(int64_t start, int64_t count, uint8_t* out) const;
    bool in_memory() const { return !ram_.empty(); }
    // true: render() reads raw chunks and inflates them itself (parallel across threads, no chunk cache);
    // false: through HDF5's chunk cache (32 MiB). Default false (parameter read_mode=cache).
    void set_direct_reads(bool on) { direct_ = on; }
    const std::string& path() const { return path_; }

private:
    void open(const std::string& root, bool in_memory);
    RealDatasetSpec spec_;
    std::string path_;
    std::unique_ptr<H5ArrayReader> reader_;
    std::vector<uint8_t> ram_;
    bool direct_ = false;
};

// Multi-line description for `data info`.
std::string dataset_info_text(const RealDatasetSpec& spec, const std::string& root);

}  // namespace disent::data
