// TODO(helper): core/cookie_parse
