#include "store/event_store.hpp"
