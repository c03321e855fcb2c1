"""Extensions are created unbound here and attached to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.netaddr import client_address

# Stable constraint names keep Alembic migrations reviewable and portable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass ``Model`` (which is ``db.Model``). ``db.Model`` is an attribute of an instance,
# which a type checker cannot use as a base class; so for the checker ``Model`` is spelled out as
# what Flask-SQLAlchemy builds at run time: its query and bind mixins over ``Base``.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _QueryMixin

    class Model(_QueryMixin, Base):
        """Base class of every table-backed model."""

else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=client_address, default_limits=[])
