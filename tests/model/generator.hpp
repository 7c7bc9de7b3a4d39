#pragma once
// Random worlds for the model check (generator.cpp).

#include "world.hpp"

#include <random>
#include <vector>

namespace model {

using Rng = std::mt19937_64;

// A random policy and the histories of `subjects` subjects; ids are numbered from next_id.
World generate_world(Rng& rng, int subjects, int& next_id);

// A few random `now`s for a world (more are aimed at its due times by the caller).
std::vector<Seconds> generate_nows(Rng& rng, const World& world);

} // namespace model
