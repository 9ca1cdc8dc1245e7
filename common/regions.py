from django.db import models


class AdministrativeRegion(models.TextChoices):
    """The 17 administrative regions of Québec; the names are proper nouns, the same in French and English."""

    BAS_SAINT_LAURENT = "01", "01 – Bas-Saint-Laurent"
    SAGUENAY_LAC_SAINT_JEAN = "02", "02 – Saguenay–Lac-Saint-Jean"
    CAPITALE_NATIONALE = "03", "03 – Capitale-Nationale"
    MAURICIE = "04", "04 – Mauricie"
    ESTRIE = "05", "05 – Estrie"
    MONTREAL = "06", "06 – Montréal"
    OUTAOUAIS = "07", "07 – Outaouais"
    ABITIBI_TEMISCAMINGUE = "08", "08 – Abitibi-Témiscamingue"
    COTE_NORD = "09", "09 – Côte-Nord"
    NORD_DU_QUEBEC = "10", "10 – Nord-du-Québec"
    GASPESIE_ILES_DE_LA_MADELEINE = "11", "11 – Gaspésie–Îles-de-la-Madeleine"
    CHAUDIERE_APPALACHES = "12", "12 – Chaudière-Appalaches"
    LAVAL = "13", "13 – Laval"
    LANAUDIERE = "14", "14 – Lanaudière"
    LAURENTIDES = "15", "15 – Laurentides"
    MONTEREGIE = "16", "16 – Montérégie"
    CENTRE_DU_QUEBEC = "17", "17 – Centre-du-Québec"
