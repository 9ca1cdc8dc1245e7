import rules


@rules.predicate
def can_view_document_owner(user, document):
    """Return whether `user` may view the object that `document` belongs to.

    The owner's app defines that permission as `<app_label>.view_<model_name>`. Without such a rule,
    only active superusers pass.
    """
    if document is None:
        return False
    owner = document.owner
    if owner is None:
        return False
    return user.has_perm(f"{owner._meta.app_label}.view_{owner._meta.model_name}", owner)


rules.add_perm("common.view_document", can_view_document_owner)
