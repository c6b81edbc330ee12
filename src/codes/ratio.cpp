#include "arfc/codes/ratio.h"
