// Everything public in sesh, for callers who prefer one include (link the targets its parts need:
// sesh::http for http/*, sesh::auth for users, passwords and the throttle). Left out: the optional
// framework adapters <sesh/beast.hpp> and <sesh/httplib.hpp>.
#pragma once

#include <sesh/async_store.hpp>
#include <sesh/async_throttle.hpp>
#include <sesh/async_users.hpp>
#include <sesh/authjs_jwt.hpp>
#include <sesh/clock.hpp>
#include <sesh/cookie.hpp>
#include <sesh/csrf.hpp>
#include <sesh/database.hpp>
#include <sesh/encoding.hpp>
#include <sesh/error.hpp>
#include <sesh/get_token.hpp>
#include <sesh/http/body.hpp>
#include <sesh/http/context.hpp>
#include <sesh/http/message.hpp>
#include <sesh/http/metrics.hpp>
#include <sesh/http/middleware.hpp>
#include <sesh/http/router.hpp>
#include <sesh/http/server.hpp>
#include <sesh/iron.hpp>
#include <sesh/log.hpp>
#include <sesh/log_escape.hpp>
#include <sesh/login_throttle.hpp>
#include <sesh/nextauth_jwt.hpp>
#include <sesh/opaque_token.hpp>
#include <sesh/password.hpp>
#include <sesh/random.hpp>
#include <sesh/rate_limiter.hpp>
#include <sesh/result.hpp>
#include <sesh/server_session.hpp>
#include <sesh/session.hpp>
#include <sesh/session_manager.hpp>
#include <sesh/store.hpp>
#include <sesh/throttle_store.hpp>
#include <sesh/users.hpp>
