// SPDX-License-Identifier: GPL-3.0-or-later
// The OSCQuery tree over the real route table and a desk's parameters: what an OSCQuery client
// (ossia score, Chataigne) reads to build its controls.
#include "control/oscquery/OscQueryTree.h"

#include <gtest/gtest.h>

#include <vector>

namespace backline::control::oscquery {
namespace {

using nlohmann::json;

port::ParamState param(std::string address, float value, float min, float max, std::string unit = {},
    port::ParamKind kind = port::ParamKind::Continuous)
{
    port::ParamState p;
    p.info.address = std::move(address);
    p.info.unit = std::move(unit);
    p.info.kind = kind;
    p.info.min = min;
    p.info.max = max;
    p.info.init = min;
    p.value = value;
    return p;
}

class OscQueryTreeTest : public ::testing::Test {
protected:
    std::vector<port::ParamState> params {
        param("/track/drone/gain", -6.0f, -120.0f, 12.0f, "dB"),
        param("/track/drone/mute", 1.0f, 0.0f, 1.0f, {}, port::ParamKind::Toggle),
        param("/track/drone/eq/low/freq", 120.0f, 20.0f, 500.0f, "Hz"),
        param("/master/gain", 0.0f, -120.0f, 12.0f, "dB"),
    };
    OscQueryTree tree {params, oscRoutes()};
    HostInfo host {"backline: demo", 9000, 8080, false};

    json get(std::string_view path, std::string_view query = {}, int status = 200)
    {
        const QueryAnswer a = tree.answer(path, query, host);
        EXPECT_EQ(a.status, status) << path << "?" << query << ": " << a.body;
        return a.body.empty() ? json() : json::parse(a.body);
    }
};

TEST_F(OscQueryTreeTest, TheRootHoldsEveryParameterWithItsTypeRangeUnitAndValue)
{
    const json root = get("/");
    EXPECT_EQ(root["FULL_PATH"], "/");
    const json& gain = root["CONTENTS"]["track"]["CONTENTS"]["drone"]["CONTENTS"]["gain"];
    EXPECT_EQ(gain["FULL_PATH"], "/track/drone/gain");
    EXPECT_EQ(gain["TYPE"], "f");
    EXPECT_EQ(gain["ACCESS"], 3);
    EXPECT_FLOAT_EQ(gain["VALUE"][0].get<float>(), -6.0f);
    EXPECT_FLOAT_EQ(gain["RANGE"][0]["MIN"].get<float>(), -120.0f);
    EXPECT_FLOAT_EQ(gain["RANGE"][0]["MAX"].get<float>(), 12.0f);
    EXPECT_EQ(gain["UNIT"][0], "dB");
    EXPECT_EQ(gain["CLIPMODE"][0], "both");
    EXPECT_NE(gain["DESCRIPTION"].get<std::string>().find("continuous"), std::string::npos);
    const json& freq = root["CONTENTS"]["track"]["CONTENTS"]["drone"]["CONTENTS"]["eq"]["CONTENTS"]["low"]["CONTENTS"]["freq"];
    EXPECT_EQ(freq["FULL_PATH"], "/track/drone/eq/low/freq");
    EXPECT_EQ(freq["UNIT"][0], "Hz");
    // A container is a node with contents and its path, not a method.
    const json& drone = root["CONTENTS"]["track"]["CONTENTS"]["drone"];
    EXPECT_EQ(drone["FULL_PATH"], "/track/drone");
    EXPECT_FALSE(drone.contains("TYPE"));
    EXPECT_FALSE(drone.contains("ACCESS"));
}

TEST_F(OscQueryTreeTest, EveryExactRouteIsAWriteOnlyMethodDescribedByItsRoute)
{
    const json root = get("/");
    std::size_t exact = 0;
    for (const OscRoute& route : oscRoutes()) {
        if (route.match != RouteMatch::Exact)
            continue;
        ++exact;
        const json node = get(route.address);
        EXPECT_EQ(node["FULL_PATH"], std::string(route.address));
        EXPECT_EQ(node["ACCESS"], 2) << route.address;
        EXPECT_NE(node["DESCRIPTION"].get<std::string>().find(std::string(route.summary)), std::string::npos)
            << route.address;
    }
    EXPECT_GT(exact, 30u);
    EXPECT_EQ(get("/scene/recall")["FULL_PATH"], "/scene/recall");
}

TEST_F(OscQueryTreeTest, ASubtreeOrOneAttributeIsAnsweredAlone)
{
    const json drone = get("/track/drone");
    EXPECT_TRUE(drone["CONTENTS"].contains("gain"));
    EXPECT_TRUE(drone["CONTENTS"].contains("mute"));
    EXPECT_FALSE(drone["CONTENTS"].contains("freq")); // it is under eq/low

    EXPECT_EQ(get("/track/drone/gain", "VALUE"), (json {{"VALUE", {-6.0}}}));
    EXPECT_EQ(get("/track/drone/gain", "TYPE"), (json {{"TYPE", "f"}}));
    EXPECT_EQ(get("/track/drone/gain", "ACCESS"), (json {{"ACCESS", 3}}));
    EXPECT_EQ(get("/track/drone/mute", "RANGE")["RANGE"][0]["MAX"], 1.0);
    // A trailing slash names the same node.
    EXPECT_EQ(get("/track/drone/"), drone);
}

TEST_F(OscQueryTreeTest, HostInfoNamesThePortsAndTheExtensions)
{
    const json info = get("/", "HOST_INFO");
    EXPECT_EQ(info["NAME"], "backline: demo");
    EXPECT_EQ(info["OSC_PORT"], 9000);
    EXPECT_EQ(info["OSC_TRANSPORT"], "UDP");
    EXPECT_EQ(info["WS_PORT"], 8080);
    EXPECT_EQ(info["EXTENSIONS"]["VALUE"], true);
    EXPECT_EQ(info["EXTENSIONS"]["RANGE"], true);
    EXPECT_EQ(info["EXTENSIONS"]["LISTEN"], false);
}

TEST_F(OscQueryTreeTest, AddressesWithSpacesAndUnicodeAreNodesLikeAnyOther)
{
    std::vector<port::ParamState> named {param("/track/lead vox/gain", -3.0f, -120.0f, 12.0f, "dB"),
        param("/track/chœur/gain", -9.0f, -120.0f, 12.0f, "dB")};
    OscQueryTree namedTree {named, oscRoutes()};
    const QueryAnswer a = namedTree.answer("/track/lead vox/gain", "VALUE", host);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(json::parse(a.body), (json {{"VALUE", {-3.0}}}));
    EXPECT_TRUE(namedTree.contains("/track/chœur"));
    EXPECT_EQ(json::parse(namedTree.answer("/track", {}, host).body)["CONTENTS"]["chœur"]["FULL_PATH"], "/track/chœur");
}

TEST_F(OscQueryTreeTest, BadRequestsGetTheStatusOscQueryNamesAndAReason)
{
    EXPECT_TRUE(get("/track/nobody", {}, 404).contains("ERROR"));
    EXPECT_TRUE(get("/track/drone/gain/deeper", {}, 404).contains("ERROR"));
    EXPECT_TRUE(get("/track/drone/gain", "COLOUR", 400).contains("ERROR"));
    // An attribute OSCQuery defines that this node has not: no content.
    EXPECT_TRUE(get("/track/drone", "VALUE", 204).is_null());
    EXPECT_TRUE(get("/track/drone/gain", "TAGS", 204).is_null());
    // A query that does not decode, and a NUL smuggled in one.
    EXPECT_TRUE(get("/track/drone/gain", "VAL%", 400).contains("ERROR"));
    EXPECT_TRUE(get("/track/drone/gain", "VALUE%00", 400).contains("ERROR"));
    EXPECT_EQ(get("/track/drone/gain", "VAL%55E"), (json {{"VALUE", {-6.0}}}));
    EXPECT_FALSE(tree.contains("/nowhere"));
    EXPECT_TRUE(tree.contains("/"));
    EXPECT_TRUE(tree.contains("/master/gain"));
}

TEST_F(OscQueryTreeTest, BytesThatAreNotUtf8AreAnsweredNotThrownAbout)
{
    // nlohmann's dump() throws on invalid UTF-8 by default: on the web thread that ended backlined
    // (found by the web fuzzer's first design review, before it ran).
    const QueryAnswer missing = tree.answer("/track/\xff\xfe", {}, host);
    EXPECT_EQ(missing.status, 404);
    EXPECT_FALSE(json::parse(missing.body, nullptr, false).is_discarded());
    const QueryAnswer attribute = tree.answer("/track/drone/gain", "%C3%28", host);
    EXPECT_EQ(attribute.status, 400);
    EXPECT_FALSE(json::parse(attribute.body, nullptr, false).is_discarded());
    std::vector<port::ParamState> odd {param("/track/\xc3/gain", -1.0f, -120.0f, 12.0f, "dB")};
    const OscQueryTree oddTree {odd, oscRoutes()};
    const QueryAnswer whole = oddTree.answer("/", {}, host);
    EXPECT_EQ(whole.status, 200);
    EXPECT_FALSE(json::parse(whole.body, nullptr, false).is_discarded());
}

} // namespace
} // namespace backline::control::oscquery
