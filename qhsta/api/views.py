"""Tokens (obtain, list, revoke) and the API documentation page."""

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from qhsta.scoping import Action
from qhsta.scoping.api import ScopedViewSetMixin
from qhsta.scoping.views import scope_exempt

from . import services
from .models import ApiToken
from .serializers import IssuedTokenSerializer, TokenRequestSerializer, TokenSerializer
from .throttles import TokenObtainThrottle


class AccountLocked(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked"
    default_detail = _lazy(
        "Too many failed sign-ins: the account is locked for a while. Try again later."
    )


@scope_exempt("exchanges a username and password for a token, like the login page")
class TokenObtainView(APIView):
    """Exchange a username and password for a token (`Authorization: Token <key>`)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (TokenObtainThrottle,)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: IssuedTokenSerializer},
        auth=[],
        summary="Obtain a token",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # the same backends as the login page: axes counts failures and locks the account
            user = authenticate(
                request._request,
                username=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except DjangoPermissionDenied as exc:
            # axes would answer with the login page's HTML; the client gets the API's shape
            request._request.axes_locked_out = False
            raise AccountLocked() from exc
        if getattr(request._request, "axes_locked_out", False):
            request._request.axes_locked_out = False  # answered here, in the API's shape
            raise AccountLocked()
        if user is None or not user.is_active:
            raise ValidationError({"password": [_("The username or the password is not right.")]})
        token, key = services.token_issue(user=user, name=data.validated_data.get("name", ""))
        token.token = key
        return Response(IssuedTokenSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own tokens; administrators also see those of the accounts in their organisations.
    DELETE revokes a token at once."""

    queryset = ApiToken.objects.all()
    serializer_class = TokenSerializer
    read_action = Action.ACCOUNTS
    write_action = Action.ACCOUNTS

    def narrow(self, queryset):
        own = ApiToken.objects.filter(user=self.request.user)
        return (queryset | own).select_related("user").order_by("-created", "-id")

    def check_object_permissions(self, request, obj):
        if request.method == "DELETE" and obj.user_id == request.user.pk:
            return  # an owner revokes their own token without managing anything
        super().check_object_permissions(request, obj)

    def perform_destroy(self, instance):
        services.token_revoke(actor=self.request.user, token=instance)


@method_decorator(login_not_required, name="dispatch")
@scope_exempt("the API's documentation: no data, only the description of the API")
class ApiDocsView(TemplateView):
    template_name = "api/docs.html"


@scope_exempt("the OpenAPI description of the API: no data")
class SchemaView(SpectacularAPIView):
    pass
