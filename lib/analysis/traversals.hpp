#pragma once
// Traversal pictures (paper Figs 5 and 7; reference §2.5).
//   dataset: one row per factor, the factor swept through its values (at most `frames` evenly spaced)
//            from a seeded random base; the GIF cycles every factor at once (one tile per factor).
//   run:     one row per latent, `frames` codes from the min to the max of that latent's posterior
//            means over 64 seeded inputs (others at the first input's code), decoded; the GIF cycles
//            min→max→min (one tile per latent).
#include <cstdint>
#include <string>
#include <vector>

#include "data/ground_truth.hpp"
#include "io/png.hpp"
#include "train/experiment.hpp"

namespace disent::analysis {

struct TraversalFigure {
    std::vector<std::string> rows;               // factor or latent names
    std::vector<std::vector<io::Image>> tiles;   // tiles[row][frame]
    std::vector<std::vector<double>> values;     // values[row][frame]: factor value or latent code
    bool latent = false;
};

TraversalFigure dataset_traversals(const data::GroundTruthData& ds, int64_t frames = 8, uint64_t seed = 7777);
TraversalFigure latent_traversals(train::Experiment& e, int64_t frames = 9, uint64_t seed = 7777);

// DIR/traversals.png (labelled grid), DIR/traversals.gif (animated cycle) and DIR/traversals.csv
// (row,frame,value: the factor value or latent code of every tile).
void write_traversals(const std::string& dir, const TraversalFigure& t, const std::string& title);

}  // namespace disent::analysis
