#include "train/checkpoint.hpp"

#include <sstream>

#include "core/error.hpp"
#include "data/md5.hpp"
#include "io/atomic_file.hpp"

namespace disent::train {

namespace {

torch::Tensor string_tensor(const std::string& s) {
    torch::Tensor t = torch::empty({static_cast<int64_t>(s.size())}, torch::kUInt8);
    std::memcpy(t.data_ptr<uint8_t>(), s.data(), s.size());
    return t;
}

std::string tensor_string(const torch::Tensor& t) {
    torch::Tensor c = t.contiguous().to(torch::kCPU);
    return std::string(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), static_cast<size_t>(c.numel()));
}

CheckpointInfo read_info(torch::serialize::InputArchive& ar, const std::string& path) {
    CheckpointInfo info;
    torch::Tensor magic, format, step, config, version;
    try {
        ar.read("disent_run_checkpoint", magic);
        ar.read("format", format);
        ar.read("step", step);
        ar.read("config", config);
        ar.read("version", version);
    } catch (const std::exception&) {
        throw UserError("'" + path + "' is not a disent-run checkpoint (missing or damaged metadata)");
    }
    if (format.numel() != 1 || step.numel() != 1 || format.scalar_type() != torch::kLong || step.scalar_type() != torch::kLong ||
        config.scalar_type() != torch::kByte || version.scalar_type() != torch::kByte)
        throw UserError("'" + path + "' is not a disent-run checkpoint (damaged metadata)");
    info.format = format.item<int64_t>();
    if (info.format != kCheckpointFormat)
        throw UserError("checkpoint '" + path + "' has format " + std::to_string(info.format) + ", this disent-run reads format " +
                        std::to_string(kCheckpointFormat));
    info.step = step.item<int64_t>();
    info.config_yaml = tensor_string(config);
    info.version = tensor_string(version);
    return info;
}

// A checkpoint file is a short header, then the LibTorch archive:
//   "disent-run checkpoint\n" "<archive bytes> <md5 of the archive>\n" <archive>
// The checksum is verified before LibTorch parses anything: its archive reader can crash on damaged
// input (fuzz_checkpoint found a segfault in LibTorch 1.13's TorchScript type parser), so damaged or
// truncated files must be refused by us first.
const std::string kMagic = "disent-run checkpoint\n";

std::string wrap(const std::string& archive) {
    return kMagic + std::to_string(archive.size()) + " " + data::md5_hex(archive) + "\n" + archive;
}

std::string unwrap(const std::string& bytes, const std::string& path) {
    const std::string damaged = "checkpoint '" + path + "' is corrupted or truncated";
    if (bytes.compare(0, kMagic.size(), kMagic) != 0)
        throw UserError("'" + path + "' is not a disent-run checkpoint (no header)");
    const size_t eol = bytes.find('\n', kMagic.size());
    if (eol == std::string::npos || eol - kMagic.size() > 64) throw UserError(damaged + " (damaged header)");
    std::istringstream head(bytes.substr(kMagic.size(), eol - kMagic.size()));
    uint64_t size = 0;
    std::string md5;
    if (!(head >> size >> md5) || md5.size() != 32) throw UserError(damaged + " (damaged header)");
    if (bytes.size() - (eol + 1) != size)
        throw UserError(damaged + " (" + std::to_string(bytes.size() - (eol + 1)) + " of " + std::to_string(size) + " archive bytes)");
    std::string archive = bytes.substr(eol + 1);
    if (data::md5_hex(archive) != md5) throw UserError(damaged + " (checksum mismatch)");
    return archive;
}

void open_archive(torch::serialize::InputArchive& ar, const std::string& path) {
    std::string bytes = unwrap(io::read_file(path), path);
    std::istringstream in(bytes);
    try {
        ar.load_from(in);
    } catch (const std::exception&) {  // c10::Error, and std::runtime_error from LibTorch's archive parser (fuzz_checkpoint)
        throw UserError("checkpoint '" + path + "' is corrupted or truncated (cannot be read as a LibTorch archive)");
    }
}

}  // namespace

void save_checkpoint(const std::string& path, frameworks::Framework& fw, Optimizer& opt,
                     const CheckpointInfo& info) {
    torch::serialize::OutputArchive ar;
    ar.write("disent_run_checkpoint", torch::ones({1}, torch::kUInt8));
    ar.write("format", torch::tensor(info.format));
    ar.write("step", torch::tensor(info.step));
    ar.write("config", string_tensor(info.config_yaml));
    ar.write("version", string_tensor(info.version));
    torch::serialize::OutputArchive model_ar, opt_ar;
    // flat "encoder.0.weight"-style keys, so loading can check every name and shape
    for (const auto& kv : fw.model()->named_parameters()) model_ar.write(kv.key(), kv.value().detach().to(torch::kCPU));
    for (const auto& kv : fw.model()->named_buffers()) model_ar.write(kv.key(), kv.value().to(torch::kCPU), true);
    opt.save(opt_ar);
    ar.write("model", model_ar);
    ar.write("optimizer", opt_ar);
    if (fw.has_aux()) {  // FactorVAE's discriminator and its optimiser
        torch::serialize::OutputArchive aux_ar;
        fw.save_aux(aux_ar);
        ar.write("aux", aux_ar);
    }
    std::ostringstream out;
    ar.save_to(out);
    io::write_file_atomic(path, wrap(out.str()));
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
    torch::serialize::InputArchive ar;
    open_archive(ar, path);
    return read_info(ar, path);
}

CheckpointInfo load_checkpoint(const std::string& path, frameworks::Framework& fw, Optimizer& opt) {
    torch::serialize::InputArchive ar;
    open_archive(ar, path);
    CheckpointInfo info = read_info(ar, path);
    try {
        torch::serialize::InputArchive model_ar, opt_ar;
        ar.read("model", model_ar);
        ar.read("optimizer", opt_ar);
        torch::NoGradGuard no_grad;
        auto restore = [&](const std::string& key, torch::Tensor& dst, bool buffer) {
            torch::Tensor src;
            model_ar.read(key, src, buffer);
            if (src.sizes() != dst.sizes()) {
                std::ostringstream os;
                os << "checkpoint '" << path << "' does not match this model: '" << key << "' has shape " << src.sizes()
                   << " in the checkpoint and " << dst.sizes() << " in the model";
                throw UserError(os.str());
            }
            dst.copy_(src);
        };
        for (auto& kv : fw.model()->named_parameters()) restore(kv.key(), kv.value(), false);
        for (auto& kv : fw.model()->named_buffers()) restore(kv.key(), kv.value(), true);
        opt.load(opt_ar);
        if (fw.has_aux()) {
            torch::serialize::InputArchive aux_ar;
            ar.read("aux", aux_ar);
            fw.load_aux(aux_ar);
        }
    } catch (const UserError&) {
        throw;
    } catch (const c10::Error& e) {
        std::string what = e.what_without_backtrace();
        throw UserError("checkpoint '" + path + "' does not match this model/optimiser (" +
                        what.substr(0, what.find('\n')) + ")");
    } catch (const std::exception& e) {
        throw UserError("checkpoint '" + path + "' is damaged (" + std::string(e.what()).substr(0, 200) + ")");
    }
    return info;
}

}  // namespace disent::train
