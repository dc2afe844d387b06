package io.robotid.filing.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.robotid.filing.domain.ContactPurpose;
import io.robotid.filing.domain.Manufacturer;
import io.robotid.filing.domain.ManufacturerContact;
import io.robotid.filing.domain.ProductionSite;
import io.robotid.filing.domain.FilingSeals;
import io.robotid.filing.repository.FilingRecordRepository;
import io.robotid.filing.repository.ManufacturerContactRepository;
import io.robotid.filing.repository.ManufacturerRepository;
import io.robotid.filing.repository.ProductionSiteRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.smallrye.mutiny.Uni;

/** Registers manufacturers and their production sites, and reads them back. */
@ApplicationScoped
public class ManufacturerService {
    public static final int MAX_LEGAL_NAME = 300;
    public static final int MAX_REGISTRATION_NUMBER = 64;
    public static final int MAX_CONTACTS = 10;
    public static final int MAX_CONTACT_FIELD = 200;
    public static final int MAX_SITE_NAME = 200;
    public static final int MAX_ADDRESS = 500;

    private static final Pattern REGISTRATION_NUMBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ./-]*");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    /** A contact as the caller sent it; a null purpose means it was not given. */
    public record ContactInput(ContactPurpose purpose, String name, String email, String phone) {
    }

    public record NewManufacturer(String legalName, String country, String registrationNumber,
            List<ContactInput> contacts) {
    }

    public record NewSite(String manufacturerCode, String name, String address, String country) {
    }

    /** A manufacturer with its contacts in listed order. */
    public record ManufacturerView(Manufacturer manufacturer, List<ManufacturerContact> contacts) {
    }

    public record Page<T>(List<T> items, String nextCursor) {
    }

    private final ManufacturerRepository manufacturers;
    private final ManufacturerContactRepository contacts;
    private final ProductionSiteRepository sites;
    private final FilingRecordRepository records;

    public ManufacturerService(ManufacturerRepository manufacturers, ManufacturerContactRepository contacts,
            ProductionSiteRepository sites, FilingRecordRepository records) {
        this.records = records;
        this.manufacturers = manufacturers;
        this.contacts = contacts;
        this.sites = sites;
    }

    @WithTransaction
    public Uni<ManufacturerView> register(WriteContext context, NewManufacturer request) {
        context.caller().requireAnyRole(Role.REGULATOR);
        Violations v = new Violations();
        String legalName = v.requiredText("legal_name", request.legalName(), MAX_LEGAL_NAME);
        String country = v.country("country", request.country());
        String registrationNumber = v.requiredText("registration_number", request.registrationNumber(),
                MAX_REGISTRATION_NUMBER);
        if (!registrationNumber.isEmpty() && !REGISTRATION_NUMBER.matcher(registrationNumber).matches()) {
            v.add("registration_number", "may hold only letters, digits, spaces, '.', '/' and '-'");
        }
        List<ContactInput> contactInputs = validContacts(request.contacts(), v);
        v.throwIfAny();

        return manufacturers.registrationExists(country, registrationNumber)
                .chain(exists -> {
                    if (exists) {
                        throw DomainException.alreadyExists("manufacturer", country + "/" + registrationNumber,
                                "a manufacturer with registration number " + registrationNumber + " in " + country
                                        + " is registered already");
                    }
                    return manufacturers.nextCodeNumber();
                })
                .chain(number -> {
                    Manufacturer m = new Manufacturer();
                    m.code = RegistryCodes.encode(number, RegistryCodes.MANUFACTURER_LENGTH);
                    m.legalName = legalName;
                    m.country = country;
                    m.registrationNumber = registrationNumber;
                    m.registered = context.stamp();
                    List<ManufacturerContact> rows = new ArrayList<>();
                    for (int i = 0; i < contactInputs.size(); i++) {
                        ContactInput in = contactInputs.get(i);
                        ManufacturerContact c = new ManufacturerContact();
                        c.manufacturerCode = m.code;
                        c.position = i;
                        c.purpose = in.purpose();
                        c.name = in.name();
                        c.email = in.email();
                        c.phone = in.phone();
                        rows.add(c);
                    }
                    return manufacturers.persist(m)
                            .chain(() -> contacts.persist(rows))
                            .chain(() -> records.add(FilingSeals.of(m)))
                            .replaceWith(new ManufacturerView(m, rows));
                });
    }

    private static List<ContactInput> validContacts(List<ContactInput> inputs, Violations v) {
        v.count("contacts", inputs.size(), 1, MAX_CONTACTS);
        List<ContactInput> cleaned = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ContactInput in = inputs.get(i);
            String field = "contacts[" + i + "]";
            if (in.purpose() == null) {
                v.add(field + ".purpose", "is required (PUBLIC, REGULATORY, EMERGENCY or AFTER_SALES)");
            }
            String name = v.requiredText(field + ".name", in.name(), MAX_CONTACT_FIELD);
            String email = v.optionalText(field + ".email", in.email(), MAX_CONTACT_FIELD);
            String phone = v.optionalText(field + ".phone", in.phone(), 16);
            if (email.isEmpty() && phone.isEmpty()) {
                v.add(field, "needs an email or a phone number");
            }
            if (!email.isEmpty() && !EMAIL.matcher(email).matches()) {
                v.add(field + ".email", "must be an email address such as safety@example.com");
            }
            if (!phone.isEmpty() && !E164.matcher(phone).matches()) {
                v.add(field + ".phone", "must be an E.164 number such as +861012345678");
            }
            cleaned.add(new ContactInput(in.purpose(), name, email, phone));
        }
        if (!inputs.isEmpty() && inputs.stream().noneMatch(c -> c.purpose() == ContactPurpose.PUBLIC)) {
            v.add("contacts", "needs a contact with purpose PUBLIC (shown to people who scan a robot)");
        }
        return cleaned;
    }

    @WithSession
    public Uni<ManufacturerView> get(String code) {
        Violations v = new Violations();
        String normalized = v.registryCode("code", code, RegistryCodes.MANUFACTURER_LENGTH);
        v.throwIfAny();
        return manufacturers.findById(normalized)
                .onItem().ifNull().failWith(() -> DomainException.notFound("manufacturer", normalized))
                .chain(m -> contacts.forManufacturers(List.of(m.code))
                        .map(rows -> new ManufacturerView(m, rows)));
    }

    @WithSession
    public Uni<Page<ManufacturerView>> list(String countryFilter, PageRequest page) {
        String country = RegistryCodes.normalize(countryFilter);
        if (!country.isEmpty()) {
            Violations v = new Violations();
            v.country("country", country);
            v.throwIfAny();
        }
        return manufacturers.page(country, page.cursor(), page.fetchSize()).chain(rows -> {
            boolean more = rows.size() > page.size();
            List<Manufacturer> items = more ? rows.subList(0, page.size()) : rows;
            String next = more ? items.get(items.size() - 1).code : null;
            return contacts.forManufacturers(items.stream().map(m -> m.code).toList()).map(all -> {
                Map<String, List<ManufacturerContact>> byCode = all.stream()
                        .collect(Collectors.groupingBy(c -> c.manufacturerCode));
                List<ManufacturerView> views = items.stream()
                        .map(m -> new ManufacturerView(m, byCode.getOrDefault(m.code, List.of())))
                        .toList();
                return new Page<>(views, next);
            });
        });
    }

    @WithTransaction
    public Uni<ProductionSite> registerSite(WriteContext context, NewSite request) {
        Violations v = new Violations();
        String code = v.registryCode("manufacturer_code", request.manufacturerCode(), RegistryCodes.MANUFACTURER_LENGTH);
        String name = v.requiredText("name", request.name(), MAX_SITE_NAME);
        String address = v.requiredText("address", request.address(), MAX_ADDRESS);
        String country = v.country("country", request.country());
        v.throwIfAny();
        context.caller().requireManufacturer(code);

        return manufacturers.findForUpdate(code)
                .onItem().ifNull().failWith(() -> DomainException.notFound("manufacturer", code))
                .chain(m -> {
                    m.sitesRegistered += 1;
                    ProductionSite site = new ProductionSite();
                    site.manufacturerCode = code;
                    site.siteCode = RegistryCodes.encode(m.sitesRegistered, RegistryCodes.SITE_LENGTH);
                    site.name = name;
                    site.address = address;
                    site.country = country;
                    site.registered = context.stamp();
                    return sites.persist(site).call(() -> records.add(FilingSeals.of(site)));
                });
    }

    @WithSession
    public Uni<ProductionSite> getSite(String manufacturerCode, String siteCode) {
        Violations v = new Violations();
        String code = v.registryCode("manufacturer_code", manufacturerCode, RegistryCodes.MANUFACTURER_LENGTH);
        String site = v.registryCode("site_code", siteCode, RegistryCodes.SITE_LENGTH);
        v.throwIfAny();
        return sites.find(code, site)
                .onItem().ifNull().failWith(() -> DomainException.notFound("production_site", code + "/" + site));
    }

    @WithSession
    public Uni<Page<ProductionSite>> listSites(String manufacturerCode, PageRequest page) {
        Violations v = new Violations();
        String code = v.registryCode("manufacturer_code", manufacturerCode, RegistryCodes.MANUFACTURER_LENGTH);
        v.throwIfAny();
        return manufacturers.findById(code)
                .onItem().ifNull().failWith(() -> DomainException.notFound("manufacturer", code))
                .chain(m -> sites.page(code, page.cursor(), page.fetchSize()))
                .map(rows -> {
                    boolean more = rows.size() > page.size();
                    List<ProductionSite> items = more ? rows.subList(0, page.size()) : rows;
                    return new Page<>(items, more ? items.get(items.size() - 1).siteCode : null);
                });
    }
}
