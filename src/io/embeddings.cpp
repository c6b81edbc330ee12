#include "arfc/io/embeddings.h"
