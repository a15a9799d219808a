// Schedules (spec §9): every formula at hand-computed points, the Appendix A beta_cyclic values, and
// the registry (names, tables, building by name, validation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "schedules/clip.hpp"
#include "schedules/cosine_wave.hpp"
#include "schedules/cyclic.hpp"
#include "schedules/linear.hpp"
#include "schedules/noop.hpp"
#include "schedules/ratio.hpp"
#include "schedules/schedule.hpp"
#include "schedules/single.hpp"

using namespace disent;
using namespace disent::schedules;

namespace {

constexpr double kTol = 1e-9;

SchedulePtr by_name(const std::string& name, const std::map<std::string, std::string>& params, SchedulePtr inner = nullptr) {
    register_all();
    return make_schedule(name, make_params(schedule_registry().get(name).info.params, params), std::move(inner));
}

CyclicOptions cyc(int64_t period, RampMode mode = RampMode::Linear) {
    CyclicOptions o;
    o.period = period;
    o.mode = mode;
    return o;
}

}  // namespace

TEST(Ratio, LerpClipsTheRatio) {
    EXPECT_NEAR(lerp(0.25, 2.0, 6.0), 3.0, kTol);
    EXPECT_NEAR(lerp(-1.0, 2.0, 6.0), 2.0, kTol);
    EXPECT_NEAR(lerp(2.0, 2.0, 6.0), 6.0, kTol);
    EXPECT_NEAR(lerp(0.5, 6.0, 2.0), 4.0, kTol);  // decreasing ramps work too
}

TEST(Ratio, ShapersOnClippedRatio) {
    EXPECT_NEAR(shape_linear(0.3), 0.3, kTol);
    EXPECT_NEAR(shape_linear(1.5), 1.0, kTol);
    EXPECT_NEAR(shape_linear(-0.5), 0.0, kTol);
    EXPECT_NEAR(shape_sigmoid(0.0), 1.0 / (1.0 + std::exp(6.0)), kTol);  // 0.00247: the sigmoid never reaches 0
    EXPECT_NEAR(shape_sigmoid(0.0), 0.0024726231566347743, kTol);
    EXPECT_NEAR(shape_sigmoid(0.5), 0.5, kTol);
    EXPECT_NEAR(shape_sigmoid(1.0), 0.9975273768433653, kTol);
    EXPECT_NEAR(shape_sigmoid(3.0), 0.9975273768433653, kTol);  // clipped first
    EXPECT_NEAR(shape_cosine(0.25), 0.14644660940672624, kTol);
    EXPECT_NEAR(shape_cosine(0.5), 0.5, kTol);
    EXPECT_NEAR(shape_cosine(1.0), 1.0, kTol);
    EXPECT_NEAR(shape_cosine(-1.0), 0.0, kTol);
    EXPECT_NEAR(shape(RampMode::Cosine, 0.25), shape_cosine(0.25), kTol);
    EXPECT_NEAR(shape(RampMode::Sigmoid, 0.25), shape_sigmoid(0.25), kTol);
    EXPECT_EQ(parse_ramp_mode("sigmoid"), RampMode::Sigmoid);
    EXPECT_THROW(parse_ramp_mode("cosin"), UserError);
}

TEST(Noop, ReturnsV0) {
    NoopSchedule s;
    EXPECT_EQ(s(0, 0.7), 0.7);
    EXPECT_EQ(s(123456, -2.5), -2.5);
}

TEST(Linear, RampBetweenStartAndEnd) {
    LinearSchedule s(100, 300, 0.5, 2.0);  // v0 = 4: 2 → 8
    EXPECT_NEAR(s(0, 4.0), 2.0, kTol);
    EXPECT_NEAR(s(100, 4.0), 2.0, kTol);
    EXPECT_NEAR(s(150, 4.0), 3.5, kTol);
    EXPECT_NEAR(s(200, 4.0), 5.0, kTol);
    EXPECT_NEAR(s(300, 4.0), 8.0, kTol);
    EXPECT_NEAR(s(100000, 4.0), 8.0, kTol);
    LinearSchedule d(0, 10);  // defaults r 0 → 1
    EXPECT_NEAR(d(3, 1.0), 0.3, kTol);
    EXPECT_NEAR(d.ratio(20), 1.0, kTol);
}

TEST(Linear, RejectsEmptyOrNegativeRamps) {
    EXPECT_THROW(LinearSchedule(10, 10), UserError);
    EXPECT_THROW(LinearSchedule(10, 5), UserError);
    EXPECT_THROW(LinearSchedule(-1, 5), UserError);
}

// Appendix A: experiment schedule `beta_cyclic` on v0 = 1.
TEST(Cyclic, BetaCyclicAppendixValues) {
    CyclicOptions o = cyc(7200, RampMode::Cosine);
    o.start_step = 3600;
    o.r_start = 0.001;
    o.r_end = 1.0;
    CyclicSchedule s(o);
    EXPECT_NEAR(s(0, 1.0), 0.001, kTol);
    EXPECT_NEAR(s(1000, 1.0), 0.001, kTol);  // before start_step the ratio is 0
    EXPECT_NEAR(s(3600, 1.0), 0.001, kTol);
    EXPECT_NEAR(s(5400, 1.0), 0.1473, 5e-5);
    EXPECT_NEAR(s(5400, 1.0), 0.001 + 0.999 * 0.14644660940672624, kTol);
    EXPECT_NEAR(s(7200, 1.0), 0.5005, kTol);
    EXPECT_NEAR(s(10799, 1.0), 1.0, 1e-6);
    EXPECT_LT(s(10799, 1.0), 1.0);
    EXPECT_NEAR(s(10800, 1.0), 0.001, kTol);  // sawtooth: back to the start
    EXPECT_NEAR(s(7200 + 7200, 1.0), 0.5005, kTol);  // second cycle
    EXPECT_NEAR(s(7200, 2.0), 1.001, kTol);  // scales with v0
}

TEST(Cyclic, LinearSawtoothWithoutStartStep) {
    CyclicOptions o = cyc(100);
    o.r_start = 0.0;
    o.r_end = 1.0;
    CyclicSchedule s(o);
    EXPECT_NEAR(s(25, 2.0), 0.5, kTol);
    EXPECT_NEAR(s(125, 2.0), 0.5, kTol);
    EXPECT_NEAR(s(99, 2.0), 1.98, kTol);
    EXPECT_NEAR(s(100, 2.0), 0.0, kTol);
}

TEST(Cyclic, SigmoidRamp) {
    CyclicSchedule s(cyc(100, RampMode::Sigmoid));
    EXPECT_NEAR(s.ratio(0), 0.0, kTol);  // r = 0 is "low" (r <= p_low = 0)
    EXPECT_NEAR(s.ratio(1), shape_sigmoid(0.01), kTol);
    EXPECT_NEAR(s.ratio(50), 0.5, kTol);
}

TEST(Cyclic, LowAndHighFlats) {
    CyclicOptions o = cyc(100);
    o.p_low = 0.2;
    o.p_high = 0.3;
    CyclicSchedule s(o);
    EXPECT_NEAR(s.ratio(10), 0.0, kTol);
    EXPECT_NEAR(s.ratio(20), 0.0, kTol);   // r <= p_low
    EXPECT_NEAR(s.ratio(45), 0.5, kTol);   // (0.45 − 0.2) / (1 − 0.2 − 0.3)
    EXPECT_NEAR(s.ratio(30), 0.2, kTol);
    EXPECT_NEAR(s.ratio(80), 1.0, kTol);   // r >= 1 − p_high
    EXPECT_NEAR(s.ratio(95), 1.0, kTol);
    EXPECT_NEAR(s.ratio(110), 0.0, kTol);  // next period starts low again

    CyclicOptions full = cyc(100);  // p_low + p_high = 1: a square wave, high wins where both hold
    full.p_low = 0.5;
    full.p_high = 0.5;
    CyclicSchedule sq(full);
    EXPECT_NEAR(sq.ratio(30), 0.0, kTol);
    EXPECT_NEAR(sq.ratio(50), 1.0, kTol);
    EXPECT_NEAR(sq.ratio(60), 1.0, kTol);
}

TEST(Cyclic, RepeatsWithEndModes) {
    CyclicOptions o = cyc(100);
    o.repeats = 2;
    o.r_start = 0.5;
    o.r_end = 1.5;
    CyclicSchedule end(o);
    EXPECT_NEAR(end(150, 2.0), 2.0, kTol);   // ratio 0.5 within the second repeat
    EXPECT_NEAR(end(199, 2.0), 1.0 + 2.0 * 0.99, kTol);
    EXPECT_NEAR(end(200, 2.0), 3.0, kTol);   // after 2 repeats: v0·r_end
    EXPECT_NEAR(end(5000, 2.0), 3.0, kTol);
    o.end_mode = EndMode::Start;
    CyclicSchedule start(o);
    EXPECT_NEAR(start(150, 2.0), 2.0, kTol);
    EXPECT_NEAR(start(200, 2.0), 1.0, kTol);  // v0·r_start
    EXPECT_NEAR(start(5000, 2.0), 1.0, kTol);
    o.repeats = -1;  // negative: forever
    CyclicSchedule forever(o);
    EXPECT_NEAR(forever(250, 2.0), 2.0, kTol);
    o.repeats = 0;
    o.end_mode = EndMode::End;
    CyclicSchedule none(o);
    EXPECT_NEAR(none(0, 2.0), 3.0, kTol);
}

TEST(Cyclic, RepeatsCountFromStartStep) {
    CyclicOptions o = cyc(100);
    o.start_step = 100;
    o.repeats = 1;
    CyclicSchedule s(o);
    EXPECT_NEAR(s.ratio(50), 0.0, kTol);
    EXPECT_NEAR(s.ratio(150), 0.5, kTol);
    EXPECT_NEAR(s.ratio(200), 1.0, kTol);
    EXPECT_NEAR(s.ratio(260), 1.0, kTol);
}

TEST(Cyclic, RejectsBadOptions) {
    EXPECT_THROW(CyclicSchedule(cyc(0)), UserError);
    CyclicOptions o = cyc(10);
    o.p_low = 0.6;
    o.p_high = 0.5;
    EXPECT_THROW(CyclicSchedule{o}, UserError);
    o.p_low = -0.1;
    o.p_high = 0.0;
    EXPECT_THROW(CyclicSchedule{o}, UserError);
}

TEST(Single, IsCyclicWithOneRepeat) {
    CyclicOptions o = cyc(200, RampMode::Cosine);
    o.start_step = 100;
    o.repeats = 1;
    o.r_start = 0.1;
    CyclicSchedule reference(o);
    SchedulePtr single = by_name("single", {{"start_step", "100"}, {"end_step", "300"}, {"r_start", "0.1"}, {"mode", "cosine"}});
    for (int64_t t : {0, 50, 100, 150, 200, 299, 300, 301, 500, 100000}) EXPECT_NEAR((*single)(t, 3.0), reference(t, 3.0), kTol) << t;
    EXPECT_NEAR((*single)(50, 3.0), 0.3, kTol);
    EXPECT_NEAR((*single)(200, 3.0), 3.0 * (0.1 + 0.9 * 0.5), kTol);
    EXPECT_NEAR((*single)(300, 3.0), 3.0, kTol);
    EXPECT_NEAR((*single)(100000, 3.0), 3.0, kTol);  // stays at the end (end_mode end)
    EXPECT_THROW(single_options(300, 300), UserError);
}

TEST(CosineWave, TroughAtZeroPeakAtHalfPeriod) {
    CosineWaveSchedule s(100);
    EXPECT_NEAR(s(0, 1.0), 0.0, kTol);
    EXPECT_NEAR(s(25, 1.0), 0.5, kTol);
    EXPECT_NEAR(s(50, 1.0), 1.0, kTol);
    EXPECT_NEAR(s(75, 1.0), 0.5, kTol);
    EXPECT_NEAR(s(100, 1.0), 0.0, kTol);
    EXPECT_NEAR(s(150, 1.0), 1.0, kTol);
    CosineWaveSchedule scaled(100, 0.2, 0.6);
    EXPECT_NEAR(scaled(0, 10.0), 2.0, kTol);
    EXPECT_NEAR(scaled(50, 10.0), 6.0, kTol);
    EXPECT_THROW(CosineWaveSchedule(0), UserError);
}

TEST(Clip, ClampsAndShiftsTheStep) {
    auto ramp = std::make_shared<LinearSchedule>(0, 100);
    ClipOptions o;
    o.min_step = 50;
    o.max_step = 150;
    ClipSchedule shifted(ramp, o);
    EXPECT_EQ(shifted.inner_step(0), 0);  // clamped to 50, then − min_step
    EXPECT_EQ(shifted.inner_step(100), 50);
    EXPECT_EQ(shifted.inner_step(1000), 100);
    EXPECT_NEAR(shifted(100, 1.0), 0.5, kTol);
    EXPECT_NEAR(shifted(0, 1.0), 0.0, kTol);
    o.shift_step = false;
    ClipSchedule unshifted(ramp, o);
    EXPECT_EQ(unshifted.inner_step(0), 50);
    EXPECT_EQ(unshifted.inner_step(1000), 150);
    EXPECT_NEAR(unshifted(0, 1.0), 0.5, kTol);
    o.shift_by = 7;
    EXPECT_EQ(ClipSchedule(ramp, o).inner_step(0), 57);
}

TEST(Clip, ShiftWithoutMinStepDoesNotAddOne) {
    // spec §12.15: disent adds True (= 1) here; we implement the intended "no shift".
    ClipOptions o;
    o.max_step = 200;
    ClipSchedule s(std::make_shared<LinearSchedule>(0, 100), o);
    EXPECT_EQ(s.inner_step(5), 5);
    EXPECT_EQ(s.inner_step(500), 200);
}

TEST(Clip, ClampsTheValue) {
    ClipOptions o;
    o.min_value = 0.2;
    o.max_value = 0.7;
    ClipSchedule s(std::make_shared<LinearSchedule>(0, 100), o);
    EXPECT_NEAR(s(0, 1.0), 0.2, kTol);
    EXPECT_NEAR(s(50, 1.0), 0.5, kTol);
    EXPECT_NEAR(s(100, 1.0), 0.7, kTol);
}

TEST(Clip, RejectsInvertedBounds) {
    auto inner = std::make_shared<NoopSchedule>();
    ClipOptions o;
    o.min_step = 10;
    o.max_step = 5;
    EXPECT_THROW(ClipSchedule(inner, o), UserError);
    ClipOptions v;
    v.min_value = 1.0;
    v.max_value = 0.5;
    EXPECT_THROW(ClipSchedule(inner, v), UserError);
    EXPECT_THROW(ClipSchedule(nullptr, ClipOptions{}), std::logic_error);
}

TEST(Registry, NamesTablesAndTraits) {
    register_all();
    register_all();  // idempotent
    auto names = schedule_registry().names();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"clip", "cosine_wave", "cyclic", "linear", "noop", "single"}));
    for (const auto& e : schedule_registry().entries()) {
        EXPECT_EQ(e.info.kind, "schedule");
        EXPECT_FALSE(e.info.description.empty()) << e.info.name;
        EXPECT_EQ(e.info.traits.count("wraps"), e.info.name == "clip" ? 1u : 0u) << e.info.name;
        for (const auto& p : e.info.params) {
            EXPECT_FALSE(p.help.empty()) << e.info.name << "." << p.name;
            if (!is_required(p)) EXPECT_NO_THROW(parse_value(p, p.default_text, p.name)) << e.info.name << "." << p.name;
        }
    }
    auto required = [](const std::string& name) {
        std::vector<std::string> out;
        for (const auto& p : schedule_registry().get(name).info.params)
            if (is_required(p)) out.push_back(p.name);
        return out;
    };
    EXPECT_EQ(required("cyclic"), std::vector<std::string>{"period"});
    EXPECT_EQ(required("linear"), (std::vector<std::string>{"start_step", "end_step"}));
    EXPECT_EQ(required("single"), (std::vector<std::string>{"start_step", "end_step"}));
    EXPECT_EQ(required("cosine_wave"), std::vector<std::string>{"period"});
    EXPECT_TRUE(required("clip").empty());
    EXPECT_TRUE(required("noop").empty());
}

TEST(Registry, BuildsByNameWithTableDefaults) {
    SchedulePtr c = by_name("cyclic", {{"period", "7200"}, {"start_step", "3600"}, {"r_start", "0.001"}, {"mode", "cosine"}});
    EXPECT_NEAR((*c)(7200, 1.0), 0.5005, kTol);
    EXPECT_NEAR((*c)(10800, 1.0), 0.001, kTol);
    SchedulePtr l = by_name("linear", {{"start_step", "0"}, {"end_step", "500"}});
    EXPECT_NEAR((*l)(250, 2.0), 1.0, kTol);
    SchedulePtr w = by_name("cosine_wave", {{"period", "10"}});
    EXPECT_NEAR((*w)(5, 1.0), 1.0, kTol);
    SchedulePtr n = by_name("noop", {});
    EXPECT_EQ((*n)(5, 0.25), 0.25);
    SchedulePtr clip = by_name("clip", {{"min_step", "100"}, {"max_step", "1000"}}, l);
    EXPECT_NEAR((*clip)(0, 1.0), 0.0, kTol);
    EXPECT_NEAR((*clip)(350, 1.0), 0.5, kTol);  // inner step 250
    EXPECT_NEAR((*clip)(5000, 1.0), 1.0, kTol);
}

TEST(Registry, ValidationAndMisuse) {
    register_all();
    const auto& cyclic = schedule_registry().get("cyclic").info.params;
    EXPECT_THROW(check_schedule("cyclic", make_params(cyclic, {{"period", "10"}, {"p_low", "0.7"}, {"p_high", "0.7"}})),
                 UserError);
    EXPECT_NO_THROW(check_schedule("cyclic", make_params(cyclic, {{"period", "10"}})));
    const auto& linear = schedule_registry().get("linear").info.params;
    EXPECT_THROW(check_schedule("linear", make_params(linear, {{"start_step", "5"}, {"end_step", "5"}})), UserError);
    const auto& clip = schedule_registry().get("clip").info.params;
    EXPECT_NO_THROW(check_schedule("clip", defaults_of(clip)));
    EXPECT_THROW(check_schedule("clip", make_params(clip, {{"min_value", "2"}, {"max_value", "1"}})), UserError);
    EXPECT_THROW(make_schedule("clip", defaults_of(clip)), std::logic_error);  // a wrapper needs its schedule
    EXPECT_THROW(make_schedule("noop", {}, std::make_shared<NoopSchedule>()), std::logic_error);
    try {
        make_schedule("cyclc", {});
        FAIL() << "no error";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean 'cyclic'"), std::string::npos) << e.what();
    }
}
