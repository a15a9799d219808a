#pragma once
// Parsing of reconstruction-loss names (spec §2.2/§2.3), kept free of LibTorch so that config
// validation and `disent-run list` can check a name without building any tensors.
#include <cstdint>
#include <string>
#include <vector>

namespace disent::losses {

// A parsed reconstruction-loss name. Plain losses set only `base`; augmented ("kernel") losses
// `<loss>_<kernel>[_l<w>_k<w>][_norm_<mode>]` also set the kernel, the two weights and the mode.
struct ReconLossName {
    std::string base;       // plain loss, e.g. "mse"
    std::string kernel;     // kernel registry name, e.g. "box_r31" (augmented only)
    double w_l = 1.0;       // weight of the wrapped loss on the raw images
    double w_k = 1.0;       // weight of the wrapped loss on the kernel-filtered images
    std::string norm_mode;  // kernel normalisation mode (augmented only), one of kernel_normalize_modes()
    bool augmented = false;
};

// A parsed kernel-registry name: `box_r<R>` or `gau_r<R>`.
struct KernelName {
    std::string kind;    // "box" or "gau"
    int64_t radius = 0;  // R (the Gaussian's sigma is R/4; its truncated radius is again R)
};

// Names of the plain (non-augmented) reconstruction losses, in registry order.
std::vector<std::string> plain_recon_loss_names();
// Kernel normalisation modes accepted after `_norm_`.
std::vector<std::string> kernel_normalize_modes();

// Throws UserError with a one-line message for unknown or malformed names.
ReconLossName parse_recon_loss_name(const std::string& name);
KernelName parse_kernel_name(const std::string& name);

// Largest accepted kernel radius (a 2R+1 square kernel; far beyond any image size in use).
constexpr int64_t kMaxKernelRadius = 1024;

}  // namespace disent::losses
