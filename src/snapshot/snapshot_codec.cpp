#include "snapshot_codec.h"
