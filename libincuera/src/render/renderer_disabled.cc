// RenderSession when libincuera is built with INCUERA_WITH_RENDER=OFF.
#include "incuera/render.h"

namespace incuera {

Result<RenderResult> RenderSession(const RenderRequest&) {
  return Unimplemented("this build has no renderer (INCUERA_WITH_RENDER=OFF)");
}

}  // namespace incuera
