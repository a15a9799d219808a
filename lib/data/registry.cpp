#include "data/registry.hpp"

#include <mutex>

#include "data/real_datasets.hpp"
#include "data/samplers.hpp"
#include "data/xcolumns.hpp"
#include "data/xyblocks.hpp"
#include "data/xyobject.hpp"
#include "data/xysinglesquare.hpp"
#include "data/xysquares.hpp"
#include "data/xysquares_minimal.hpp"

namespace disent::data {

Registry<DatasetFactory>& dataset_registry() {
    static Registry<DatasetFactory> r("dataset");
    return r;
}

Registry<SamplerFactory>& sampler_registry() {
    static Registry<SamplerFactory> r("sampler");
    return r;
}

namespace {

template <class D>
void add_dataset(const std::string& key) {
    ComponentInfo info;
    info.name = key;
    info.description = D::description();
    info.params = D::param_table();
    info.traits["data_name"] = D(defaults_of(info.params)).name();  // disent's `name` (data folder)
    dataset_registry().add(std::move(info),
                           [](const Params& p) -> std::unique_ptr<GroundTruthData> { return std::make_unique<D>(p); });
}

// A file-backed dataset (real_datasets.hpp): needs `disent-run data prepare` first.
void add_real_dataset(const RealDatasetSpec& spec) {
    ComponentInfo info;
    info.name = spec.key;
    info.description = spec.description;
    info.params = PreparedData::param_table();
    info.traits["data_name"] = spec.folder;
    info.traits["needs_prepare"] = "true";
    dataset_registry().add(std::move(info), [spec](const Params& p) -> std::unique_ptr<GroundTruthData> {
        return std::make_unique<PreparedData>(spec, p);
    });
}

// input_mode and num_obs are trait texts: a fixed mode and count, or the marker "num_samples" for samplers
// whose tuple size is that parameter (the config check maps it to single / pair / triplet).
template <class S>
void add_sampler(const std::string& key, const std::string& description, const std::string& input_mode,
                 const std::string& num_obs) {
    ComponentInfo info;
    info.name = key;
    info.description = description;
    info.params = S::param_table();
    info.traits["input_mode"] = input_mode;
    info.traits["num_obs"] = num_obs;
    sampler_registry().add(std::move(info), &S::create);
}

template <class S>
void add_sampler(const std::string& key, const std::string& description, const std::string& input_mode,
                 int num_obs) {
    add_sampler<S>(key, description, input_mode, std::to_string(num_obs));
}

}  // namespace

void register_all() {
    static std::once_flag once;
    std::call_once(once, [] {
        add_dataset<XYSquaresMinimalData>("xysquares_minimal");
        add_dataset<XYSquaresData>("xysquares");
        add_dataset<XYSingleSquareData>("xysinglesquare");
        add_dataset<XColumnsData>("xcolumns");
        add_dataset<XYObjectData>("xyobject");
        add_dataset<XYObjectShadedData>("xyobject_shaded");
        add_dataset<XYBlocksData>("xyblocks");
        for (const auto& spec : real_dataset_specs()) add_real_dataset(spec);

        add_sampler<SingleSampler>("single", "the observation alone: (idx,)", "single", 1);
        add_sampler<GroundTruthPairSampler>(
            "gt_pair", "ground-truth pair: k factors resampled within a radius of the anchor", "pair", 2);
        add_sampler<GroundTruthPairOrigSampler>(
            "gt_pair_orig", "disentanglement_lib weak pair: k random factors resampled uniformly", "weak_pair", 2);
        add_sampler<GroundTruthTripleSampler>(
            "gt_triple", "ground-truth triplet: positive and negative resampled within k and radius ranges of the anchor",
            "triplet", 3);
        add_sampler<GroundTruthDistSampler>(
            "gt_dist", "uniform random observations; with 3 the one closer to the anchor is the positive",
            "num_samples", "num_samples");
        add_sampler<RandomSampler>("random", "uniform random observations: (idx, u_1, ...)", "num_samples",
                                   "num_samples");
    });
}

std::unique_ptr<GroundTruthData> make_dataset(const std::string& name,
                                              const std::map<std::string, std::string>& overrides) {
    register_all();
    const auto& entry = dataset_registry().get(name);
    Params params;
    try {
        params = make_params(entry.info.params, overrides);
    } catch (const UserError& e) {
        throw UserError("dataset '" + name + "': " + e.what());
    }
    return entry.make(params);
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, const StateSpace& states,
                                      const std::map<std::string, std::string>& overrides) {
    register_all();
    const auto& entry = sampler_registry().get(name);
    Params params;
    try {
        params = make_params(entry.info.params, overrides);
    } catch (const UserError& e) {
        throw UserError("sampler '" + name + "': " + e.what());
    }
    return entry.make(params, states);
}

}  // namespace disent::data
