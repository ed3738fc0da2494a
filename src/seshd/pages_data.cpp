// Pages whose data lives in the session: the cart, the theme, and "my devices".
#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <sesh/http/middleware.hpp>

#include "seshd/device_name.hpp"
#include "seshd/page_layout.hpp"
#include "seshd/pages.hpp"

namespace sesh::seshd {

using http::html_escape;
using http::status;

namespace {

constexpr std::size_t max_cart_items = 50;

int parse_int(std::string_view s, int fallback) {
    int v = fallback;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() ? v : fallback;
}

http::awaitable<http::response> cart_page(http::context& ctx, const app& a, std::string_view error, http::status s) {
    const session& sess = **co_await ctx.session();
    std::string body;
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + html_escape(error) + "</p>";
    body += "<ul id=\"cart\" class=\"card\">";
    std::size_t n = 0;
    if (auto items = sess.get_array("cart")) {
        for (std::size_t i = 0; i < (*items)->size(); ++i) {
            const auto& item = (**items)[i];
            if (!item.is_object()) continue;
            const auto* name = item.as_object().if_contains("name");
            const auto* qty = item.as_object().if_contains("qty");
            if (!name || !name->is_string() || !qty || !qty->is_int64()) continue;
            ++n;
            body += "<li><span class=\"item\">" + html_escape(name->as_string()) + "</span> × <span class=\"qty\">" +
                    std::to_string(qty->as_int64()) + "</span><form method=\"post\" action=\"/cart\" class=\"inline\">" +
                    csrf_field(ctx, a) + "<input type=\"hidden\" name=\"action\" value=\"remove\">" +
                    "<input type=\"hidden\" name=\"index\" value=\"" + std::to_string(i) + "\">" +
                    "<button type=\"submit\">Remove</button></form></li>";
        }
    }
    if (n == 0) body += "<li class=\"empty\">Your cart is empty.</li>";
    body += "</ul><form method=\"post\" action=\"/cart\" class=\"card\">" + csrf_field(ctx, a);
    body += "<input type=\"hidden\" name=\"action\" value=\"add\">";
    body += "<label>Item <input name=\"item\" required maxlength=\"100\"></label>";
    body += "<label>Quantity <input name=\"qty\" type=\"number\" min=\"1\" max=\"99\" value=\"1\"></label>";
    body += "<button type=\"submit\">Add to cart</button></form>";
    co_return co_await render_page(ctx, a, s, "Cart", body);
}

std::string device_row(const session_info& d, bool current, http::context& ctx, const app& a) {
    // The readable name, the raw user agent and the exact time on hover (title).
    const std::string when = iso8601_ms(d.last_seen);
    std::string row = "<li class=\"device\"><strong title=\"" + html_escape(d.user_agent) + "\">" +
                      html_escape(device_name(d.user_agent)) + "</strong><br>" + html_escape(d.address) +
                      " · last active <time datetime=\"" + when + "\" title=\"" + when + "\">" +
                      time_ago(d.last_seen, sesh::system_clock().now()) + "</time>";
    if (current) return row + " <em>(this device)</em></li>";
    return row + "<form method=\"post\" action=\"/sessions\" class=\"inline\">" + csrf_field(ctx, a) +
           "<input type=\"hidden\" name=\"revoke\" value=\"" + html_escape(d.id) + "\"><button type=\"submit\">Sign out</button></form></li>";
}

}  // namespace

void add_session_data_pages(http::router& r, app& a) {
    r.add(http::verb::get, "/cart", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        co_return co_await cart_page(ctx, a, "", status::ok);
    }));
    r.add(http::verb::post, "/cart", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto f = co_await read_page_form(ctx, a, refusal);
        if (!f) co_return refusal;
        session& s = **co_await ctx.session();
        boost::json::array items;
        if (auto existing = s.get_array("cart")) items = **existing;
        const auto action = http::form_value(*f, "action").value_or("");
        if (action == "add") {
            const auto item = http::form_value(*f, "item").value_or("");
            const int qty = parse_int(http::form_value(*f, "qty").value_or("1"), 0);
            if (item.empty() || item.size() > 100 || qty < 1 || qty > 99)
                co_return co_await cart_page(ctx, a, "Give an item name and a quantity from 1 to 99.", status::bad_request);
            if (items.size() >= max_cart_items) co_return co_await cart_page(ctx, a, "Your cart is full.", status::bad_request);
            items.push_back(boost::json::object{{"name", item}, {"qty", qty}});
        } else if (action == "remove") {
            const int i = parse_int(http::form_value(*f, "index").value_or(""), -1);
            if (i >= 0 && static_cast<std::size_t>(i) < items.size()) items.erase(items.begin() + i);
        } else {
            co_return co_await cart_page(ctx, a, "Unknown action.", status::bad_request);
        }
        s.set("cart", std::move(items));
        co_return http::redirect("/cart", status::see_other);  // post/redirect/get
    }));

    r.add(http::verb::get, "/preferences", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        const session& s = **co_await ctx.session();
        const std::string current(s.get_string("theme").value_or("system"));
        std::string body = "<form method=\"post\" action=\"/preferences\" class=\"card\">" + csrf_field(ctx, a) + "<fieldset><legend>Theme</legend>";
        for (std::string_view t : {"system", "light", "dark"}) {
            body += "<label><input type=\"radio\" name=\"theme\" value=\"" + std::string(t) + "\"" +
                    (t == current ? " checked" : "") + "> " + std::string(t) + "</label>";
        }
        body += "</fieldset><button type=\"submit\">Save</button></form>";
        co_return co_await render_page(ctx, a, status::ok, "Preferences", body);
    }));
    r.add(http::verb::post, "/preferences", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto f = co_await read_page_form(ctx, a, refusal);
        if (!f) co_return refusal;
        const auto theme = http::form_value(*f, "theme").value_or("");
        if (theme != "system" && theme != "light" && theme != "dark")
            co_return co_await render_message_page(ctx, a, status::bad_request, "Preferences", "Pick a theme.", "/preferences", "Back");
        (*co_await ctx.session())->set("theme", boost::json::string(theme));
        co_return http::redirect("/preferences", status::see_other);
    }));

    r.add(http::verb::get, "/sessions", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        const session& s = **co_await ctx.session();
        std::string body;
        if (a.sessions.lists_sessions()) {
            auto devices = co_await a.sessions.async_list(s.user_id());
            if (!devices)
                co_return co_await render_message_page(ctx, a, status::service_unavailable, "Devices", "Please try again shortly.", "/", "Home");
            body += "<ul id=\"devices\" class=\"card\">";
            for (const auto& d : *devices) body += device_row(d, d.id == s.id(), ctx, a);
            body += "</ul>";
        } else {
            body += "<p>Listing devices needs the server strategy; with signed cookies you can still sign out everywhere else.</p>";
        }
        body += "<form method=\"post\" action=\"/sessions\" class=\"card\">" + csrf_field(ctx, a) +
                "<input type=\"hidden\" name=\"revoke\" value=\"others\"><button type=\"submit\" id=\"revoke-others\">Sign out all other devices</button></form>";
        co_return co_await render_page(ctx, a, status::ok, "Your devices", body);
    }));
    r.add(http::verb::post, "/sessions", http::require_session([&a](http::context& ctx) -> http::awaitable<http::response> {
        http::response refusal;
        auto f = co_await read_page_form(ctx, a, refusal);
        if (!f) co_return refusal;
        session& s = **co_await ctx.session();
        const auto which = http::form_value(*f, "revoke").value_or("");
        bool ok = true;
        if (which == "others") {
            ok = (co_await a.sessions.async_revoke_others(s)).has_value();
        } else if (!which.empty() && a.sessions.lists_sessions()) {
            // Only one of my own sessions: never a stranger's id typed into the form.
            auto mine = co_await a.sessions.async_list(s.user_id());
            ok = mine.has_value();
            if (ok)
                for (const auto& d : *mine)
                    if (d.id == which && d.id != s.id()) ok = (co_await a.sessions.async_revoke(d.id)).has_value();
        }
        if (!ok) co_return co_await render_message_page(ctx, a, status::service_unavailable, "Devices", "Please try again shortly.", "/sessions", "Back");
        co_return http::redirect("/sessions", status::see_other);
    }));
}

}  // namespace sesh::seshd
