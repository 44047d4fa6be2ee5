//! gen placeholder until the generator lands
