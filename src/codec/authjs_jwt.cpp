// TODO(helper): codec/authjs_jwt
