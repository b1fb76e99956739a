import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** The 10-field DTO of scenario 4. */
export class OrderDto {
  @IsString() @IsNotEmpty() name: string;
  @IsEmail() email: string;
  @IsInt() @Min(0) @Max(150) age: number;
  @IsInt() @IsPositive() quantity: number;
  @IsNumber() price: number;
  @IsIn(['EUR', 'USD']) currency: string;
  @Matches(/^[A-Z]{3}-\d{4}$/) sku: string;
  @IsArray() @IsString({ each: true }) tags: string[];
  @IsBoolean() active: boolean;
  @IsOptional() @IsString() @MaxLength(200) note?: string;
}
