// TODO(helper): core/cookie_serialize
