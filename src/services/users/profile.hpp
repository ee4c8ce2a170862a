#pragma once
// What a profile may hold. A PATCH that breaks a rule is refused with the reason; a kind-0 event is
// someone's signed profile seen on the relay, so it is never refused: its fields are cut to the limits
// and stripped of what the rules forbid.
#include <cstddef>
#include <string>

#include "services/users/types.hpp"

namespace pleb::users {

// Limits in bytes of UTF-8.
inline constexpr std::size_t kMaxDisplayNameBytes = 100;
inline constexpr std::size_t kMaxAboutBytes = 2000;
inline constexpr std::size_t kMaxPictureBytes = 2048;

// Empty when the patch is acceptable, otherwise why not ("display_name: ...").
std::string profile_patch_error(const ProfilePatch& patch);

// The fields of a kind-0 event made acceptable: cut at the limits (on a character boundary),
// control characters removed (line breaks and tabs kept in `about`), a picture that is not an
// http(s) URL dropped.
ProfileFields sanitize_profile(ProfileFields fields);

}  // namespace pleb::users
