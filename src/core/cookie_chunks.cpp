// TODO(helper): core/cookie_chunks
