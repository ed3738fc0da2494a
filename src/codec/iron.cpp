// TODO(helper): codec/iron
