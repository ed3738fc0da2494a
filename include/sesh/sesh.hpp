// Everything public in sesh, for callers who prefer one include.
#pragma once

#include <sesh/authjs_jwt.hpp>
#include <sesh/clock.hpp>
#include <sesh/cookie.hpp>
#include <sesh/csrf.hpp>
#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/get_token.hpp>
#include <sesh/iron.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>
#include <sesh/nextauth_jwt.hpp>
#include <sesh/opaque_token.hpp>
#include <sesh/random.hpp>
#include <sesh/result.hpp>
#include <sesh/server_session.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>
