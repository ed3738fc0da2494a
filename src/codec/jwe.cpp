// TODO(helper): codec/jwe
