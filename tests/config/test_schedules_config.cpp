// `schedules:` in specs (spec §9): parsing, validation errors naming file:line and key, overrides,
// and the round trip through to_yaml()/flat(). Uses the real schedule tables from lib/schedules.
#include <gtest/gtest.h>

#include "config/spec.hpp"
#include "core/error.hpp"
#include "schedules/schedule.hpp"

using namespace disent;
using namespace disent::config;

namespace {

Catalog catalog() {
    Catalog c;
    c.kinds["dataset"] = {{"dataset", "xysquares", "squares", {}}};
    c.kinds["sampler"] = {{"sampler", "single", "one obs", {}, {{"input_mode", "single"}}}};
    c.kinds["model"] = {{"model", "conv64", "conv", {}}};
    c.kinds["framework"] = {
        {"framework", "beta_vae", "bvae",
         {{"beta", ParamType::Float, "0.003", "beta", 0.0},
          {"gamma", ParamType::Float, "2.0", "gamma"},
          {"warmup", ParamType::Int, "10", "an int parameter", 0.0},
          {"loss_reduction", ParamType::String, "mean", "r", {}, {}, {"mean", "mean_sum"}}},
         {{"input_mode", "single"}, {"default_sampler", "single"}}},
        {"framework", "ae", "ae", {{"detach_decoder", ParamType::Bool, "false", "d"}},
         {{"input_mode", "single"}, {"default_sampler", "single"}}}};
    c.kinds["optimizer"] = {{"optimizer", "adam", "adam", {}}};
    c.kinds["metric"] = {{"metric", "mig", "mig", {}}};
    c.kinds["metric"].push_back({"metric", "dci", "dci", {}});
    schedules::register_all();
    c.kinds["schedule"] = schedules::schedule_registry().infos();
    c.check_schedule = schedules::check_schedule;
    return c;
}

ResolvedConfig resolve(const std::string& yaml, const std::vector<std::string>& ov = {}) {
    return resolve_text(yaml, "spec.yaml", ov, catalog());
}

std::string error_of(const std::string& yaml, const std::vector<std::string>& ov = {}) {
    try {
        resolve(yaml, ov);
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "missing \"" << (part) << "\" in: " << (text)

// Line 2: a flow-style cyclic schedule; lines 3-8: a clip wrapping a linear ramp.
const char* kSpec =
    "framework: {name: beta_vae, beta: 0.5}\n"
    "schedules:\n"
    "  - {key: framework.beta, name: cyclic, period: 7200, start_step: 3600, r_start: 0.001, r_end: 1.0, mode: cosine}\n"
    "  - key: framework.gamma\n"
    "    name: clip\n"
    "    min_step: 100\n"
    "    max_step: 1000\n"
    "    schedule: {name: linear, start_step: 0, end_step: 500}\n";

}  // namespace

TEST(SchedulesConfig, ParsesFlowAndBlockEntriesWithDefaults) {
    auto cfg = resolve(kSpec);
    ASSERT_EQ(cfg.schedules.size(), 2u);
    const auto& c = cfg.schedules[0];
    EXPECT_EQ(c.key, "framework.beta");
    EXPECT_EQ(c.schedule.name, "cyclic");
    EXPECT_EQ(c.schedule.params.get_int("period"), 7200);
    EXPECT_EQ(c.schedule.params.get_int("start_step"), 3600);
    EXPECT_DOUBLE_EQ(c.schedule.params.get_float("r_start"), 0.001);
    EXPECT_EQ(c.schedule.params.get_string("mode"), "cosine");
    EXPECT_TRUE(c.schedule.params.is_null("repeats"));          // table default
    EXPECT_EQ(c.schedule.params.get_string("end_mode"), "end");  // table default
    EXPECT_EQ(c.schedule.inner, nullptr);
    const auto& k = cfg.schedules[1];
    EXPECT_EQ(k.key, "framework.gamma");
    EXPECT_EQ(k.schedule.name, "clip");
    EXPECT_EQ(k.schedule.params.get_int("min_step"), 100);
    EXPECT_TRUE(k.schedule.params.get_bool("shift_step"));
    ASSERT_NE(k.schedule.inner, nullptr);
    EXPECT_EQ(k.schedule.inner_key, "schedule");
    EXPECT_EQ(k.schedule.inner->name, "linear");
    EXPECT_EQ(k.schedule.inner->params.get_int("end_step"), 500);
    EXPECT_DOUBLE_EQ(k.schedule.inner->params.get_float("r_end"), 1.0);
    // the configured value stays the v0 of the schedule
    EXPECT_DOUBLE_EQ(cfg.section("framework").get_float("beta"), 0.5);
}

TEST(SchedulesConfig, NoSchedulesByDefault) {
    auto cfg = resolve("framework: beta_vae\nschedules:\n");
    EXPECT_TRUE(cfg.schedules.empty());
    EXPECT_EQ(cfg.to_yaml().find("schedules"), std::string::npos);
    EXPECT_EQ(cfg.flat().count("schedules.0.key"), 0u);
}

TEST(SchedulesConfig, IntParametersCanBeScheduled) {
    auto cfg = resolve("schedules:\n  - {key: framework.warmup, name: linear, start_step: 0, end_step: 10}\n");
    ASSERT_EQ(cfg.schedules.size(), 1u);
    EXPECT_EQ(cfg.schedules[0].key, "framework.warmup");
}

TEST(SchedulesConfig, RoundTripsThroughYamlAndFlat) {
    auto cfg = resolve(kSpec);
    const std::string yaml = cfg.to_yaml();
    EXPECT_HAS(yaml, "schedules:\n  - key: framework.beta\n    name: cyclic\n");
    auto again = resolve_text(yaml, "config.yaml", {}, catalog());
    EXPECT_EQ(again.to_yaml(), yaml);
    ASSERT_EQ(again.schedules.size(), 2u);
    ASSERT_NE(again.schedules[1].schedule.inner, nullptr);
    EXPECT_EQ(again.schedules[1].schedule.inner->params.get_int("end_step"), 500);
    EXPECT_EQ(again.flat(), cfg.flat());
    auto flat = cfg.flat();
    EXPECT_EQ(flat.at("schedules.0.key"), "framework.beta");
    EXPECT_EQ(flat.at("schedules.0.name"), "cyclic");
    EXPECT_EQ(flat.at("schedules.0.period"), "7200");
    EXPECT_EQ(flat.at("schedules.0.repeats"), "null");
    EXPECT_EQ(flat.at("schedules.1.name"), "clip");
    EXPECT_EQ(flat.at("schedules.1.schedule.name"), "linear");
    EXPECT_EQ(flat.at("schedules.1.schedule.end_step"), "500");
    // flat keys are override keys: applying them to a spec without schedules rebuilds the same list
    std::vector<std::string> ov;
    for (const auto& [k, v] : flat)
        if (k.rfind("schedules.", 0) == 0) ov.push_back(k + "=" + v);
    auto rebuilt = resolve("framework: {name: beta_vae, beta: 0.5}\n", ov);
    EXPECT_EQ(rebuilt.to_yaml(), yaml);
}

TEST(SchedulesConfig, OverridesEditAddReplaceAndClear) {
    auto cfg = resolve(kSpec, {"schedules.0.period=100", "schedules.1.schedule.end_step=50"});
    EXPECT_EQ(cfg.schedules[0].schedule.params.get_int("period"), 100);
    EXPECT_EQ(cfg.schedules[1].schedule.inner->params.get_int("end_step"), 50);
    auto added = resolve(kSpec, {"schedules.2.key=framework.warmup", "schedules.2.name=noop"});
    ASSERT_EQ(added.schedules.size(), 3u);
    EXPECT_EQ(added.schedules[2].schedule.name, "noop");
    auto switched = resolve(kSpec, {"schedules.1.schedule=single"});  // linear's start/end are single's too
    EXPECT_EQ(switched.schedules[1].schedule.inner->name, "single");
    EXPECT_TRUE(resolve(kSpec, {"schedules=[]"}).schedules.empty());
    auto replaced = resolve(kSpec, {"schedules=[{key: framework.gamma, name: cosine_wave, period: 40}]"});
    ASSERT_EQ(replaced.schedules.size(), 1u);
    EXPECT_EQ(replaced.schedules[0].schedule.name, "cosine_wave");
    EXPECT_EQ(replaced.schedules[0].schedule.params.get_int("period"), 40);
}

// --- one error per validation rule: each names file:line and the key -----------------------------

TEST(SchedulesConfigErrors, UnknownScheduleNameSuggests) {
    std::string e = error_of("schedules:\n  - key: framework.beta\n    name: cyclc\n    period: 10\n");
    EXPECT_HAS(e, "spec.yaml:3");
    EXPECT_HAS(e, "'schedules.0.name'");
    EXPECT_HAS(e, "'cyclc'");
    EXPECT_HAS(e, "'framework.beta'");
    EXPECT_HAS(e, "did you mean 'cyclic'?");
}

TEST(SchedulesConfigErrors, UnknownParameterSuggests) {
    std::string e = error_of("schedules:\n  - key: framework.beta\n    name: cyclic\n    perod: 10\n");
    EXPECT_HAS(e, "spec.yaml:4");
    EXPECT_HAS(e, "'schedules.0.perod' is unknown for schedule 'cyclic' of 'framework.beta'");
    EXPECT_HAS(e, "did you mean 'schedules.0.period'?");
}

TEST(SchedulesConfigErrors, WrongTypeOrRange) {
    std::string e = error_of("schedules:\n  - key: framework.beta\n    name: cyclic\n    period: often\n");
    EXPECT_HAS(e, "spec.yaml:4");
    EXPECT_HAS(e, "'schedules.0.period'");
    EXPECT_HAS(e, "'framework.beta'");
    EXPECT_HAS(e, "expected int");
    std::string r = error_of("schedules:\n  - {key: framework.beta, name: cyclic, period: 10,\n     p_low: 1.5}\n");
    EXPECT_HAS(r, "spec.yaml:3");
    EXPECT_HAS(r, "'schedules.0.p_low'");
}

TEST(SchedulesConfigErrors, KeyMustBeNumeric) {
    std::string e = error_of("framework: beta_vae\nschedules:\n  - {key: framework.loss_reduction, name: noop}\n");
    EXPECT_HAS(e, "spec.yaml:3");
    EXPECT_HAS(e, "'schedules.0.key'");
    EXPECT_HAS(e, "'framework.loss_reduction', a string parameter");
    EXPECT_HAS(e, "beta, gamma, warmup");
    std::string none = error_of("framework: ae\nschedules:\n  - {key: framework.detach_decoder, name: noop}\n");
    EXPECT_HAS(none, "spec.yaml:3");
    EXPECT_HAS(none, "a bool parameter");
    EXPECT_HAS(none, "it has none");
}

TEST(SchedulesConfigErrors, KeyMustBeInFrameworkSection) {
    std::string e = error_of("schedules:\n\n  - {key: train.steps, name: noop}\n");
    EXPECT_HAS(e, "spec.yaml:3");
    EXPECT_HAS(e, "'train.steps'");
    EXPECT_HAS(e, "'framework' section only");
    EXPECT_HAS(error_of("schedules:\n  - {key: beta, name: noop}\n"), "'framework' section only");
}

TEST(SchedulesConfigErrors, KeyMustBeAFrameworkParameter) {
    std::string e = error_of("schedules:\n  - {key: framework.betta, name: noop}\n");
    EXPECT_HAS(e, "spec.yaml:2");
    EXPECT_HAS(e, "'framework.betta', which is not a parameter of framework 'beta_vae'");
    EXPECT_HAS(e, "did you mean 'framework.beta'?");
}

TEST(SchedulesConfigErrors, OneSchedulePerKey) {
    std::string e = error_of("schedules:\n  - {key: framework.beta, name: noop}\n  - {key: framework.gamma, name: noop}\n"
                             "  - {key: framework.beta, name: cyclic, period: 5}\n");
    EXPECT_HAS(e, "spec.yaml:4");
    EXPECT_HAS(e, "'schedules.2.key'");
    EXPECT_HAS(e, "'framework.beta' already has a schedule (schedules.0 at spec.yaml:2)");
}

TEST(SchedulesConfigErrors, MissingRequiredParameterKeyOrName) {
    std::string e = error_of("schedules:\n  - {key: framework.beta, name: cyclic}\n");
    EXPECT_HAS(e, "spec.yaml:2");
    EXPECT_HAS(e, "'framework.beta'");
    EXPECT_HAS(e, "needs 'schedules.0.period'");
    EXPECT_HAS(error_of("schedules:\n  - {name: noop}\n"), "spec.yaml:2: 'schedules.0' has no 'key'");
    std::string n = error_of("schedules:\n  - {key: framework.beta, period: 3}\n");
    EXPECT_HAS(n, "spec.yaml:2");
    EXPECT_HAS(n, "has no 'name'");
}

TEST(SchedulesConfigErrors, ScheduleChecksCombinations) {
    std::string e = error_of("schedules:\n  - {key: framework.beta, name: linear, start_step: 9, end_step: 9}\n");
    EXPECT_HAS(e, "spec.yaml:2");
    EXPECT_HAS(e, "'framework.beta'");
    EXPECT_HAS(e, "end_step (9) must be greater than start_step (9)");
    std::string p = error_of("schedules:\n  - {key: framework.beta, name: cyclic, period: 9, p_low: 0.6, p_high: 0.6}\n");
    EXPECT_HAS(p, "p_low + p_high <= 1");
}

TEST(SchedulesConfigErrors, WrapperNeedsItsSchedule) {
    std::string e = error_of("schedules:\n  - {key: framework.beta, name: clip, min_step: 1}\n");
    EXPECT_HAS(e, "spec.yaml:2");
    EXPECT_HAS(e, "needs the schedule it wraps under 'schedules.0.schedule'");
    std::string inner = error_of("schedules:\n  - key: framework.beta\n    name: clip\n    schedule:\n      name: linear\n"
                                 "      end_stp: 4\n");
    EXPECT_HAS(inner, "spec.yaml:6");
    EXPECT_HAS(inner, "'schedules.0.schedule.end_stp' is unknown for schedule 'linear' of 'framework.beta'");
    EXPECT_HAS(error_of("schedules:\n  - {key: framework.beta, name: noop, schedule: {name: noop}}\n"),
               "'schedules.0.schedule' is unknown for schedule 'noop'");
    EXPECT_HAS(error_of("schedules:\n  - {key: framework.beta, name: cyclic, period: {a: 1}}\n"),
               "'schedules.0.period' has nested keys");
}

TEST(SchedulesConfigErrors, ShapeOfTheList) {
    EXPECT_HAS(error_of("schedules: {key: framework.beta}\n"), "spec.yaml:1: key 'schedules' must be a list");
    EXPECT_HAS(error_of("schedules:\n  - framework.beta\n"), "spec.yaml:2: 'schedules.0' must be a map");
    EXPECT_HAS(error_of("schedules:\n  - {}\n"), "spec.yaml:2: 'schedules.0' is an empty map");
}

TEST(SchedulesConfigErrors, BadOverrides) {
    EXPECT_HAS(error_of(kSpec, {"schedules.x.period=1"}), "override 'schedules.x.period=1': key 'schedules.x.period' is not");
    EXPECT_HAS(error_of(kSpec, {"schedules.0=1"}), "is not schedules.<index>.<param>");
    std::string gap = error_of(kSpec, {"schedules.3.key=framework.warmup"});
    EXPECT_HAS(gap, "override 'schedules.3.key=framework.warmup'");
    EXPECT_HAS(gap, "there is no schedules.2");
    EXPECT_HAS(error_of(kSpec, {"schedules=[{key: framework.beta"}), "override 'schedules=[{key: framework.beta': invalid YAML");
    std::string typed = error_of(kSpec, {"schedules.0.period=soon"});
    EXPECT_HAS(typed, "override 'schedules.0.period=soon': key 'schedules.0.period'");
}

TEST(SchedulesConfig, ReferenceListsEveryScheduleTable) {
    const std::string md = config_reference_markdown(catalog());
    EXPECT_HAS(md, "## `schedules`");
    for (const char* name : {"noop", "linear", "cyclic", "single", "cosine_wave", "clip"})
        EXPECT_HAS(md, std::string("### schedule `") + name + "`");
    EXPECT_HAS(md, "| `period` | int | (required) |");
    EXPECT_HAS(md, "| `p_low` | float | `0.0` | [0, 1] |");
    EXPECT_HAS(md, "wraps: the schedule under `schedule:`");
}
