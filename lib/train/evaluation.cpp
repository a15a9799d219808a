#include "train/evaluation.hpp"

#include "io/image_grid.hpp"

namespace disent::train {

metrics::MetricContext metric_context(Experiment& e, uint64_t seed, int64_t encode_batch) {
    metrics::MetricContext ctx;
    ctx.states = &e.dataset->states();
    ctx.seed = seed;
    Experiment* ep = &e;
    if (encode_batch <= 0) encode_batch = e.device.is_cuda() ? 4096 : 256;
    ctx.encode = [ep, encode_batch](const std::vector<int64_t>& indices) {
        torch::NoGradGuard no_grad;
        std::vector<double> out;
        out.reserve(indices.size() * 8);
        for (size_t start = 0; start < indices.size(); start += static_cast<size_t>(encode_batch)) {
            size_t end = std::min(indices.size(), start + static_cast<size_t>(encode_batch));
            std::vector<int64_t> chunk(indices.begin() + start, indices.begin() + end);
            torch::Tensor z = ep->framework->encode(ep->to_input(ep->render(chunk))).to(torch::kCPU, torch::kFloat64).contiguous();
            const double* p = z.data_ptr<double>();
            out.insert(out.end(), p, p + z.numel());
        }
        return out;
    };
    // observations as the model sees them (standardised), for the distances metrics
    ctx.observe = [ep, encode_batch](const std::vector<int64_t>& indices) {
        std::vector<float> out;
        for (size_t start = 0; start < indices.size(); start += static_cast<size_t>(encode_batch)) {
            size_t end = std::min(indices.size(), start + static_cast<size_t>(encode_batch));
            std::vector<int64_t> chunk(indices.begin() + start, indices.begin() + end);
            torch::Tensor x = ep->to_input(ep->render(chunk)).to(torch::kCPU, torch::kFloat32).contiguous();
            const float* p = x.data_ptr<float>();
            out.insert(out.end(), p, p + x.numel());
        }
        return out;
    };
    // z size: encode one observation
    ctx.z_size = static_cast<int64_t>(ctx.encode({0}).size());
    return ctx;
}

std::vector<std::pair<std::string, metrics::MetricResult>> run_metrics(Experiment& e, const std::vector<std::string>& names,
                                                                       const std::string& preset, uint64_t seed) {
    std::vector<std::pair<std::string, metrics::MetricResult>> out;
    for (size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], run_metric(e, names[i], preset, derive_seed(seed, i)));
    return out;
}

metrics::MetricResult run_metric(Experiment& e, const std::string& name, const std::string& preset, uint64_t metric_seed) {
    const auto& def = metrics::metric_registry().get(name).make;
    metrics::MetricContext ctx = metric_context(e, metric_seed);
    return def.run(ctx, metrics::preset_params(name, preset));
}

io::Image latent_traversal_grid(Experiment& e, int64_t frames, uint64_t seed) {
    torch::NoGradGuard no_grad;
    Rng rng(seed);
    std::vector<int64_t> idx(64);
    for (auto& i : idx) i = e.dataset->states().sample_index(rng);
    torch::Tensor mu = e.framework->encode(e.to_input(e.render(idx)));  // (64, Z)
    const int64_t z = mu.size(1);
    torch::Tensor lo = std::get<0>(mu.min(0)), hi = std::get<0>(mu.max(0));
    torch::Tensor base = mu[0];
    torch::Tensor codes = base.repeat({z * frames, 1});  // row-major: latent d, frame f
    torch::Tensor steps = torch::linspace(0.0, 1.0, frames, mu.options());
    for (int64_t d = 0; d < z; ++d)
        codes.index_put_({torch::indexing::Slice(d * frames, (d + 1) * frames), d}, lo[d] + steps * (hi[d] - lo[d]));
    torch::Tensor imgs = e.to_unit(e.framework->decode(codes));  // (z*frames, C, H, W) in [0, 1]
    imgs = imgs.mul(255.0).round().to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous().to(torch::kCPU);
    std::vector<io::Image> tiles;
    const int64_t h = imgs.size(1), w = imgs.size(2), c = imgs.size(3);
    for (int64_t i = 0; i < imgs.size(0); ++i) {
        io::Image t;
        t.width = static_cast<int>(w);
        t.height = static_cast<int>(h);
        t.channels = static_cast<int>(c);
        const uint8_t* p = imgs[i].data_ptr<uint8_t>();
        t.pixels.assign(p, p + h * w * c);
        tiles.push_back(c == 1 ? io::to_rgb(t) : std::move(t));
    }
    return io::make_grid(tiles, static_cast<int>(z), static_cast<int>(frames), 4, 255);
}

}  // namespace disent::train
