// JSON helpers of the round-trip fuzz targets.
#pragma once

#include <cmath>

#include <boost/json/value.hpp>

namespace sesh::fuzz {

/// True when `v` holds an infinite or NaN number anywhere (Boost.JSON reads 1e999 as infinity):
/// sealing writes those as null, as JSON.stringify does, so they cannot come back unchanged.
inline bool has_non_finite(const boost::json::value& v) {
    if (v.is_double()) return !std::isfinite(v.get_double());
    if (v.is_array()) {
        for (const auto& e : v.get_array())
            if (has_non_finite(e)) return true;
    }
    if (v.is_object()) {
        for (const auto& [k, e] : v.get_object())
            if (has_non_finite(e)) return true;
    }
    return false;
}

}  // namespace sesh::fuzz
