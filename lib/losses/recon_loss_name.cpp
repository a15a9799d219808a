// Reconstruction-loss name grammar (spec §2.3). Torch-free on purpose: see recon_loss_name.hpp.
#include "losses/recon_loss_name.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

#include "core/error.hpp"

namespace disent::losses {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
    return out;
}

bool contains(const std::vector<std::string>& items, const std::string& s) {
    return std::find(items.begin(), items.end(), s) != items.end();
}

// "mse, mae, bce or bernoulli"-style list for messages.
std::string plain_list() {
    std::vector<std::string> names = plain_recon_loss_names();
    return join(names, ", ");
}

[[noreturn]] void throw_unknown(const std::string& name) {
    throw UserError("unknown reconstruction loss '" + name + "'; expected one of " + plain_list() +
                    " or <loss>_<kernel>[_l<w>_k<w>][_norm_<mode>] with kernel box_r<R> or gau_r<R>");
}

// Weights are matched by \d+\.\d+ so they are non-negative decimals; from_chars is locale-independent.
double parse_weight(const std::string& text, const std::string& name) {
    double v = 0.0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v))
        throw UserError("reconstruction loss '" + name + "': weight '" + text + "' is not a finite number");
    return v;
}

}  // namespace

std::vector<std::string> plain_recon_loss_names() {
    return {"mse", "mae", "bce", "bernoulli", "c_bernoulli", "normal"};
}

std::vector<std::string> kernel_normalize_modes() { return {"sum", "abssum", "possum", "negsum", "maxsum", "none"}; }

KernelName parse_kernel_name(const std::string& name) {
    static const std::regex re(R"(^(box|gau)_r(\d{1,7})$)");
    std::smatch m;
    if (std::regex_match(name, m, re)) {
        KernelName k;
        k.kind = m[1].str();
        k.radius = std::stoll(m[2].str());  // at most 7 digits: cannot overflow
        if (k.radius >= 1 && k.radius <= kMaxKernelRadius) return k;
    }
    throw UserError("unknown kernel '" + name + "'; expected box_r<R> or gau_r<R> with R in 1.." +
                    std::to_string(kMaxKernelRadius));
}

ReconLossName parse_recon_loss_name(const std::string& name) {
    // Static names are checked before the augmented grammar (as in disent's registry).
    if (contains(plain_recon_loss_names(), name)) {
        ReconLossName out;
        out.base = name;
        return out;
    }

    // The augmented grammar, regexes tried in the order of spec §2.3. An inner loss token without '_'
    // forbids nesting; disent's grammar thereby also excluded c_bernoulli, which we accept by name so
    // that every plain loss can be wrapped (docs/decisions.md).
    static const std::regex re_full(R"(^(c_bernoulli|[a-z\d]+)_([a-z\d]+_[a-z\d]+)_l(\d+\.\d+)_k(\d+\.\d+)_norm_([a-z]+)$)");
    static const std::regex re_norm(R"(^(c_bernoulli|[a-z\d]+)_([a-z\d]+_[a-z\d]+)_norm_([a-z]+)$)");
    static const std::regex re_bare(R"(^(c_bernoulli|[a-z\d]+)_([a-z\d]+_[a-z\d]+)$)");
    // Legacy form `<loss>_<kernel>_l<A>_k<B>` without `_norm_` (used by the paper's configs, e.g.
    // mse_box_r31_l1.0_k3969.0). Upstream removed it in 2022 (spec §2.3 [history], §12 item 12); we keep
    // accepting it so old experiment names run, with the normalisation it had then: "sum".
    static const std::regex re_legacy(R"(^(c_bernoulli|[a-z\d]+)_([a-z\d]+_[a-z\d]+)_l(\d+\.\d+)_k(\d+\.\d+)$)");

    ReconLossName out;
    out.augmented = true;
    std::smatch m;
    if (std::regex_match(name, m, re_full)) {
        out.base = m[1].str();
        out.kernel = m[2].str();
        out.w_l = parse_weight(m[3].str(), name);
        out.w_k = parse_weight(m[4].str(), name);
        out.norm_mode = m[5].str();
    } else if (std::regex_match(name, m, re_norm)) {
        out.base = m[1].str();
        out.kernel = m[2].str();
        out.norm_mode = m[3].str();
    } else if (std::regex_match(name, m, re_bare)) {
        out.base = m[1].str();
        out.kernel = m[2].str();
        out.norm_mode = "none";
    } else if (std::regex_match(name, m, re_legacy)) {
        out.base = m[1].str();
        out.kernel = m[2].str();
        out.w_l = parse_weight(m[3].str(), name);
        out.w_k = parse_weight(m[4].str(), name);
        out.norm_mode = "sum";
    } else {
        throw_unknown(name);
    }

    if (!contains(plain_recon_loss_names(), out.base))
        throw UserError("reconstruction loss '" + name + "': cannot wrap unknown loss '" + out.base +
                        "'; the wrapped loss must be one of " + plain_list());
    try {
        parse_kernel_name(out.kernel);
    } catch (const UserError& e) {
        throw UserError("reconstruction loss '" + name + "': " + e.what());
    }
    if (!contains(kernel_normalize_modes(), out.norm_mode))
        throw UserError("reconstruction loss '" + name + "': unknown kernel normalisation mode '" + out.norm_mode +
                        "'; expected one of " + join(kernel_normalize_modes(), ", "));
    return out;
}

}  // namespace disent::losses
