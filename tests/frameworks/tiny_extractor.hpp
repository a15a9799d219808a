#pragma once
// A two-layer TorchScript "feature extractor" written to disk, standing in for VGG19-BN in DFC-VAE tests:
// child "0" multiplies by its parameter w = 2, child "1" adds 1.
#include <torch/script.h>

#include <string>

inline std::string write_tiny_extractor(const std::string& path) {
    torch::jit::Module seq("TinyFeatures");
    torch::jit::Module scale("Scale");
    scale.register_parameter("w", torch::full({}, 2.0), false);
    scale.define("def forward(self, x):\n    return x * self.w\n");
    torch::jit::Module shift("Shift");
    shift.define("def forward(self, x):\n    return x + 1.0\n");
    seq.register_module("0", scale);
    seq.register_module("1", shift);
    seq.save(path);
    return path;
}
