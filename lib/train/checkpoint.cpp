#include "train/checkpoint.hpp"

#include <sstream>

#include "core/error.hpp"
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
    } catch (const c10::Error&) {
        throw UserError("'" + path + "' is not a disent-run checkpoint (missing metadata)");
    }
    info.format = format.item<int64_t>();
    if (info.format != kCheckpointFormat)
        throw UserError("checkpoint '" + path + "' has format " + std::to_string(info.format) + ", this disent-run reads format " +
                        std::to_string(kCheckpointFormat));
    info.step = step.item<int64_t>();
    info.config_yaml = tensor_string(config);
    info.version = tensor_string(version);
    return info;
}

void open_archive(torch::serialize::InputArchive& ar, const std::string& path) {
    std::string bytes = io::read_file(path);
    std::istringstream in(bytes);
    try {
        ar.load_from(in);
    } catch (const c10::Error&) {
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
    std::ostringstream out;
    ar.save_to(out);
    io::write_file_atomic(path, out.str());
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
    } catch (const c10::Error& e) {
        std::string what = e.what_without_backtrace();
        throw UserError("checkpoint '" + path + "' does not match this model/optimiser (" +
                        what.substr(0, what.find('\n')) + ")");
    }
    return info;
}

}  // namespace disent::train
