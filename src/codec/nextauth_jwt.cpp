// TODO(helper): codec/nextauth_jwt
