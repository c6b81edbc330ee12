#include "arfc/io/feature_set.h"
