from rest_framework.routers import SimpleRouter

from .api import CompensationRequestViewSet

router = SimpleRouter()
router.register("requests", CompensationRequestViewSet, basename="compensation-request")

urlpatterns = router.urls
