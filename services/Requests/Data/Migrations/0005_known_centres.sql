-- Spare-part centres as this service knows them, from inventory's CentreDefined events: a part request names one.
CREATE TABLE known_centres (
    centre_id text   PRIMARY KEY,
    name      text   NOT NULL,
    version   bigint NOT NULL
);
