// Times our gradient-boosted trees (the DCI learner) on the large dataset written by
// `/usr/bin/python3 bench/metrics_oracle.py --bench PATH` (10000 x 25 codes, 6 factors x 8 classes),
// which also times scikit-learn on the same data. Run by hand: ./build/bench_gbt PATH
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/gbt.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_gbt CODES.csv (columns z*, then factor columns)\n");
        return 2;
    }
    std::ifstream in(argv[1]);
    std::string line;
    if (!std::getline(in, line)) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    int64_t z = 0, f = 0;
    {
        std::stringstream ss(line);
        std::string h;
        while (std::getline(ss, h, ',')) (h[0] == 'z' ? z : f) += 1;
    }
    std::vector<double> x;
    std::vector<std::vector<int64_t>> y(static_cast<size_t>(f));
    int64_t n = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::stringstream ss(line);
        std::string cell;
        for (int64_t j = 0; j < z + f; ++j) {
            std::getline(ss, cell, ',');
            if (j < z) x.push_back(std::strtod(cell.c_str(), nullptr));
            else y[j - z].push_back(std::strtoll(cell.c_str(), nullptr, 10));
        }
        ++n;
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t j = 0; j < f; ++j) {
        disent::metrics::GradientBoostingClassifier m;
        m.fit(x, n, z, y[j]);
    }
    std::printf("[bench] ours: %lld factors on %lld x %lld: %.2f s\n", static_cast<long long>(f), static_cast<long long>(n),
                static_cast<long long>(z), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
}
