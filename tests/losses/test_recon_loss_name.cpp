// Reconstruction-loss name grammar (spec §2.3), including the legacy `_l<A>_k<B>` form.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "losses/recon_loss_name.hpp"

using namespace disent::losses;

namespace {
std::string error_of(const std::string& name) {
    try {
        parse_recon_loss_name(name);
    } catch (const disent::UserError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(ReconLossName, PlainNames) {
    for (const char* n : {"mse", "mae", "bce", "bernoulli", "c_bernoulli", "normal"}) {
        auto p = parse_recon_loss_name(n);
        EXPECT_EQ(p.base, n);
        EXPECT_FALSE(p.augmented);
        EXPECT_TRUE(p.kernel.empty());
    }
    EXPECT_EQ(plain_recon_loss_names(),
              (std::vector<std::string>{"mse", "mae", "bce", "bernoulli", "c_bernoulli", "normal"}));
}

TEST(ReconLossName, EveryPlainLossCanBeWrapped) {
    // disent's grammar could not wrap c_bernoulli (its token has a '_'); ours names it explicitly
    for (const auto& n : plain_recon_loss_names()) {
        auto p = parse_recon_loss_name(n + "_box_r2_l1.0_k2.0_norm_sum");
        EXPECT_EQ(p.base, n);
        EXPECT_EQ(p.kernel, "box_r2");
        EXPECT_EQ(p.w_k, 2.0);
        EXPECT_EQ(parse_recon_loss_name(n + "_gau_r3").base, n);
    }
}

TEST(ReconLossName, FullForm) {
    auto p = parse_recon_loss_name("mse_box_r31_l1.0_k3969.0_norm_sum");
    EXPECT_TRUE(p.augmented);
    EXPECT_EQ(p.base, "mse");
    EXPECT_EQ(p.kernel, "box_r31");
    EXPECT_DOUBLE_EQ(p.w_l, 1.0);
    EXPECT_DOUBLE_EQ(p.w_k, 3969.0);
    EXPECT_EQ(p.norm_mode, "sum");
    auto q = parse_recon_loss_name("bce_gau_r15_l0.25_k12.5_norm_maxsum");
    EXPECT_EQ(q.base, "bce");
    EXPECT_EQ(q.kernel, "gau_r15");
    EXPECT_DOUBLE_EQ(q.w_l, 0.25);
    EXPECT_DOUBLE_EQ(q.w_k, 12.5);
    EXPECT_EQ(q.norm_mode, "maxsum");
    EXPECT_DOUBLE_EQ(parse_recon_loss_name("mae_box_r2_l0.0_k0.0_norm_none").w_l, 0.0);
}

TEST(ReconLossName, NormForm) {
    auto p = parse_recon_loss_name("mse_gau_r15_norm_none");
    EXPECT_TRUE(p.augmented);
    EXPECT_EQ(p.base, "mse");
    EXPECT_EQ(p.kernel, "gau_r15");
    EXPECT_DOUBLE_EQ(p.w_l, 1.0);
    EXPECT_DOUBLE_EQ(p.w_k, 1.0);
    EXPECT_EQ(p.norm_mode, "none");
    for (const auto& mode : kernel_normalize_modes())
        EXPECT_EQ(parse_recon_loss_name("mae_box_r3_norm_" + mode).norm_mode, mode);
}

TEST(ReconLossName, BareForm) {
    auto p = parse_recon_loss_name("mse_box_r31");
    EXPECT_TRUE(p.augmented);
    EXPECT_EQ(p.base, "mse");
    EXPECT_EQ(p.kernel, "box_r31");
    EXPECT_DOUBLE_EQ(p.w_l, 1.0);
    EXPECT_DOUBLE_EQ(p.w_k, 1.0);
    EXPECT_EQ(p.norm_mode, "none");
    EXPECT_EQ(parse_recon_loss_name("bernoulli_gau_r4").base, "bernoulli");
}

TEST(ReconLossName, LegacyFormMapsToSum) {
    auto p = parse_recon_loss_name("mse_box_r31_l1.0_k3969.0");
    EXPECT_TRUE(p.augmented);
    EXPECT_EQ(p.base, "mse");
    EXPECT_EQ(p.kernel, "box_r31");
    EXPECT_DOUBLE_EQ(p.w_l, 1.0);
    EXPECT_DOUBLE_EQ(p.w_k, 3969.0);
    EXPECT_EQ(p.norm_mode, "sum");
}

TEST(ReconLossName, Errors) {
    const std::string expected_unknown =
        "unknown reconstruction loss 'foo'; expected one of mse, mae, bce, bernoulli, c_bernoulli, normal or "
        "<loss>_<kernel>[_l<w>_k<w>][_norm_<mode>] with kernel box_r<R> or gau_r<R>";
    EXPECT_EQ(error_of("foo"), expected_unknown);
    for (const char* bad : {
             "", "MSE", "abs", "mse4", "mse_box", "mse_box_r31_l1_k3969",  // weights need a decimal point
             "mse_box_r31_l1.0_k3969", "mse_box_r31_l.5_k1.0", "mse_box_r31_l-1.0_k1.0_norm_sum",
             "mse_box_r31_w0.5",  // removed history form
             "mse_box_r31_norm_", "mse_box_r31_norm_Sum", "mse_box_r31_k1.0_l1.0", " mse", "mse\n",
             "mse_box_r31_gau_r3",              // nesting: an augmented name cannot be wrapped
             "mse_box_r31_box_r31_norm_sum",    // nesting with a mode
             "c_bernoulli_box_r31_c_bernoulli_box_r31",  // nesting
             "b_bernoulli_box_r31_norm_sum",
         }) {
        EXPECT_THROW(parse_recon_loss_name(bad), disent::UserError) << "'" << bad << "'";
    }
    // Grammar matched but a part is invalid: specific messages naming the part.
    EXPECT_NE(error_of("foo_box_r31").find("cannot wrap unknown loss 'foo'"), std::string::npos);
    EXPECT_NE(error_of("c_bernoulli_r3").find("cannot wrap unknown loss 'c'"), std::string::npos);
    EXPECT_EQ(error_of("b_bernoulli_box_r3").rfind("unknown reconstruction loss 'b_bernoulli_box_r3'", 0), 0u);
    EXPECT_NE(error_of("mse_tri_r3").find("unknown kernel 'tri_r3'"), std::string::npos);
    EXPECT_NE(error_of("mse_box_r0").find("unknown kernel 'box_r0'"), std::string::npos);
    EXPECT_NE(error_of("mse_box_r3_norm_max").find("unknown kernel normalisation mode 'max'"), std::string::npos);
    EXPECT_NE(error_of("mse_box_r3_l1.0_k1.0_norm_foo").find("normalisation mode 'foo'"), std::string::npos);
    // Messages are one line.
    for (const char* bad : {"foo", "foo_box_r31", "mse_tri_r3", "mse_box_r3_norm_max"})
        EXPECT_EQ(error_of(bad).find('\n'), std::string::npos) << bad;
}

TEST(ReconLossName, KernelNames) {
    auto k = parse_kernel_name("gau_r15");
    EXPECT_EQ(k.kind, "gau");
    EXPECT_EQ(k.radius, 15);
    EXPECT_EQ(parse_kernel_name("box_r1").radius, 1);
    EXPECT_EQ(parse_kernel_name("box_r1024").radius, 1024);
    EXPECT_THROW(parse_kernel_name("box_r1025"), disent::UserError);
    EXPECT_THROW(parse_kernel_name("box_r0"), disent::UserError);
    EXPECT_THROW(parse_kernel_name("xy8_r47"), disent::UserError);  // learned kernels are not supported
}
