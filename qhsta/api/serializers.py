"""API representation of token requests and tokens (the key shown once)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(
        label=_("password"), max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    name = serializers.CharField(
        label=_("name"),
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_(
            "What the token is for, to tell it apart in the list (e.g. 'statistics sync')."
        ),
    )


class TokenSerializer(serializers.ModelSerializer):
    """A token as its owner and administrators see it: never the key or its digest."""

    user = serializers.CharField(source="user.username", read_only=True)
    prefix = serializers.CharField(source="token_key", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "user", "prefix", "created", "expiry", "last_used_at"]
        read_only_fields = fields


class IssuedTokenSerializer(TokenSerializer):
    """The answer to a token request: the only time the key is shown."""

    token = serializers.CharField(
        read_only=True, help_text=_("Send it as 'Authorization: Token <key>'.")
    )

    class Meta(TokenSerializer.Meta):
        fields = ["token", *TokenSerializer.Meta.fields]
        read_only_fields = fields
